using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Tests.Profiles;

[Parallelizable(ParallelScope.All)]
[Category("Profiles")]
public sealed class ProfileNameTests
{
    public static IEnumerable<TestCaseData> InvalidNames() =>
        InvalidNameTable().Select(c => new TestCaseData(c.Text).SetArgDisplayNames(c.Why));

    /// <summary>Texts that must never become a profile name, with why (for the test name).</summary>
    internal static IEnumerable<(string? Text, string Why)> InvalidNameTable()
    {
        yield return (null, "null");
        yield return (string.Empty, "empty");
        yield return ("   ", "white space only");
        yield return ("\t", "a tab only");
        yield return ("name with space", "inner spaces");
        yield return (" lead", "a leading space");
        yield return ("trail ", "a trailing space");
        yield return ("tab\there", "a tab");
        yield return ("new\nline", "a newline");
        yield return ("cr\rhere", "a carriage return");
        yield return ("nul\0char", "a NUL character");
        yield return ("../x", "a parent-folder escape");
        yield return ("..\\x", "a Windows parent-folder escape");
        yield return ("/etc/passwd", "an absolute path");
        yield return ("a/b", "a slash");
        yield return ("a\\b", "a backslash");
        yield return ("my//profile", "a double slash");
        yield return (".hidden", "a leading dot");
        yield return (".", "a single dot");
        yield return ("..", "two dots");
        yield return (".json", "only the suffix");
        yield return ("x.json.json", "the suffix twice");
        yield return ("-dash", "a leading dash");
        yield return ("_under", "a leading underscore");
        yield return ("name@x", "an at sign");
        yield return ("name$x", "a dollar sign");
        yield return ("name:x", "a colon");
        yield return ("name*", "an asterisk");
        yield return ("name?", "a question mark");
        yield return ("a|b", "a pipe");
        yield return ("~user", "a tilde");
        yield return ("café", "an accented letter");
        yield return ("名前", "CJK characters");
        yield return ("ａbc", "a full-width letter");
        yield return ("a\u200Bb", "a zero-width space");
        yield return ("٣abc", "a non-ASCII digit");
        yield return (new string('a', 65), "65 characters");
        yield return (new string('a', 65) + ".json", "65 characters before the suffix");
        yield return (new string('a', 1000), "1000 characters");
        yield return ("CON", "a Windows device name");
        yield return ("con", "a lower-case Windows device name");
        yield return ("nul.txt", "a Windows device name with an extension");
        yield return ("COM1.json", "a Windows device name with the suffix");
        yield return ("LPT9", "a Windows printer device name");
    }

    public static IEnumerable<TestCaseData> ValidNames()
    {
        yield return new TestCaseData("gpt-4.1", "gpt-4.1").SetArgDisplayNames("gpt-4.1");
        yield return new TestCaseData("a..b", "a..b").SetArgDisplayNames("a..b");
        yield return new TestCaseData("foo.", "foo.").SetArgDisplayNames("foo.");
        yield return new TestCaseData("x.json", "x").SetArgDisplayNames("x.json");
        yield return new TestCaseData("Default", "Default").SetArgDisplayNames("Default");
        yield return new TestCaseData("0", "0").SetArgDisplayNames("0");
        yield return new TestCaseData("A_b-c.d", "A_b-c.d").SetArgDisplayNames("A_b-c.d");
        yield return new TestCaseData("CONSOLE", "CONSOLE").SetArgDisplayNames("CONSOLE");
        yield return new TestCaseData("con1", "con1").SetArgDisplayNames("con1");
        yield return new TestCaseData("sk-test-abc", "sk-test-abc").SetArgDisplayNames("sk-test-abc");
        yield return new TestCaseData(new string('a', 64), new string('a', 64)).SetArgDisplayNames("64 characters");
        yield return new TestCaseData(new string('b', 64) + ".json", new string('b', 64)).SetArgDisplayNames("64 characters and the suffix");
    }

    [TestCaseSource(nameof(InvalidNames))]
    public void Create_InvalidText_ThrowsInvalidProfileNameExceptionNamingTheText(string? text)
    {
        var act = () => ProfileName.Create(text);

        var error = act.Should().Throw<InvalidProfileNameException>().Which;
        error.Name.Should().Be(text);
        error.Message.Should().Contain($"'{Printable(text)}'", "the message names the rejected text");
        error.Message.Should().Contain("1-64 characters", "the message states the rule");
    }

    [TestCaseSource(nameof(InvalidNames))]
    public void TryCreate_InvalidText_ReturnsFalse(string? text)
    {
        ProfileName.TryCreate(text, out var name).Should().BeFalse();
        name.Should().Be(default(ProfileName));
    }

    [TestCaseSource(nameof(InvalidNames))]
    public void ProfileReferenceCreate_InvalidText_ThrowsInvalidProfileNameException(string? text)
    {
        var act = () => ProfileReference.Create(text!);

        act.Should().Throw<InvalidProfileNameException>().Which.Name.Should().Be(text);
    }

    [TestCaseSource(nameof(ValidNames))]
    public void Create_ValidText_GivesCanonicalNameAndFileName(string text, string canonical)
    {
        var name = ProfileName.Create(text);

        name.Value.Should().Be(canonical);
        name.ToString().Should().Be(canonical);
        name.FileName.Should().Be(canonical + ".json");
        ProfileName.TryCreate(text, out var tried).Should().BeTrue();
        tried.Should().Be(name);
    }

    [Test]
    public void Create_NameWithAndWithoutSuffix_AreEqual()
    {
        var plain = ProfileName.Create("fast");
        var suffixed = ProfileName.Create("fast.json");

        suffixed.Should().Be(plain);
        (suffixed == plain).Should().BeTrue();
        suffixed.GetHashCode().Should().Be(plain.GetHashCode());
    }

    [Test]
    public void Equals_DifferentCase_AreDifferentNames()
    {
        var upper = ProfileName.Create("Fast");
        var lower = ProfileName.Create("fast");

        (upper == lower).Should().BeFalse();
        (upper != lower).Should().BeTrue();
    }

    [Test]
    public void CompareTo_Names_SortOrdinally()
    {
        var names = new[] { "b", "a", "C", "a.b", "a-b", "10", "9" }.Select(ProfileName.Create).ToList();

        names.Sort();

        names.Select(n => n.Value).Should().Equal("10", "9", "C", "a", "a-b", "a.b", "b");
        (ProfileName.Create("a") < ProfileName.Create("b")).Should().BeTrue();
        (ProfileName.Create("b") >= ProfileName.Create("b")).Should().BeTrue();
    }

    [Test]
    public void Default_Name_IsCapitalDefault()
    {
        ProfileName.Default.Value.Should().Be("Default");
        ProfileName.Default.Should().Be(ProfileName.Create("Default.json"));
    }

    [Test]
    public void Value_DefaultStruct_ThrowsInvalidOperationException()
    {
        var act = () => default(ProfileName).Value;

        act.Should().Throw<InvalidOperationException>();
        default(ProfileName).ToString().Should().BeEmpty();
    }

    [Test]
    public void Create_ControlCharacter_IsEscapedInTheMessage()
    {
        var act = () => ProfileName.Create("a\nb");

        var message = act.Should().Throw<InvalidProfileNameException>().Which.Message;
        message.Should().Contain("'a\\u000ab'").And.NotContain("\n");
    }

    [Test]
    public void InvalidProfileNameException_IsAnArgumentException()
    {
        var act = () => ProfileName.Create("../x");

        act.Should().Throw<ArgumentException>();
    }

    /// <summary>How the message shows a text: control characters as \uXXXX, null as (null).</summary>
    internal static string Printable(string? text) =>
        text is null ? "(null)" : string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
