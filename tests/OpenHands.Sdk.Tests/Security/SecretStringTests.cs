using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Security;

[Parallelizable(ParallelScope.All)]
[Category("Security")]
public sealed class SecretStringTests
{
    private const string Key = "sk-test-secret-string-one";

    [Test]
    public void ToString_Always_ReturnsSentinel()
    {
        var secret = new SecretString(Key);

        secret.ToString().Should().Be("**********");
        SecretString.Redacted.Should().Be("**********");
    }

    [Test]
    public void Interpolation_Secret_ShowsSentinel()
    {
        var secret = new SecretString(Key);

        var text = $"key={secret}; again {secret,20} {string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}", secret)}";

        text.Should().NotContain(Key).And.Contain("key=**********");
    }

    [Test]
    public void Reveal_Secret_ReturnsPlaintext() =>
        new SecretString(Key).Reveal().Should().Be(Key);

    [Test]
    public void JsonSerializer_ObjectHoldingSecret_WritesSentinel()
    {
        var holder = new Holder("visible", new SecretString(Key), [new SecretString(Key)]);

        var json = JsonSerializer.Serialize(holder);

        json.Should().NotContain(Key);
        json.Should().Be("""{"Name":"visible","Secret":"**********","More":["**********"]}""");
    }

    [Test]
    public void JsonSerializer_AnonymousObjectAndDictionary_WriteSentinel()
    {
        var secret = new SecretString(Key);

        var anonymous = JsonSerializer.Serialize(new { api_key = secret, nested = new { secret } });
        var dictionary = JsonSerializer.Serialize(new Dictionary<string, SecretString> { ["api_key"] = secret });

        anonymous.Should().NotContain(Key).And.Contain("\"api_key\":\"**********\"");
        dictionary.Should().NotContain(Key).And.Be("""{"api_key":"**********"}""");
    }

    [Test]
    public void JsonSerializer_LlmHoldingSecrets_NeverWritesValues()
    {
        var llm = FullLlm();

        var json = JsonSerializer.Serialize(llm);

        AssertNoSecret(json);
        json.Should().Contain("**********");
    }

    [Test]
    public void JsonSerializer_SentinelOrNullReadBack_IsNull()
    {
        JsonSerializer.Deserialize<Holder>("""{"Name":"x","Secret":"**********","More":[]}""")!.Secret.Should().BeNull();
        JsonSerializer.Deserialize<Holder>("""{"Name":"x","Secret":null,"More":[]}""")!.Secret.Should().BeNull();
    }

    [Test]
    public void ToString_RecordLlmHoldingSecrets_NeverShowsValues()
    {
        var llm = FullLlm();

        var text = llm.ToString();

        AssertNoSecret(text);
        text.Should().Contain("ApiKey = **********").And.Contain("AwsSecretAccessKey = **********");
        AssertNoSecret($"{llm}");
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase(" ")]
    [TestCase("   \t\n ")]
    [TestCase("**********")]
    public void FromNullable_NoSecret_ReturnsNull(string? text) =>
        SecretString.FromNullable(text).Should().BeNull();

    [TestCase(Key)]
    [TestCase(" sk-test-padded ")]
    [TestCase("*********")]
    [TestCase("***********")]
    [TestCase("gAAAAAB-looks-like-a-token")]
    public void FromNullable_Text_KeepsItVerbatim(string text) =>
        SecretString.FromNullable(text)!.Reveal().Should().Be(text);

    [TestCase("")]
    [TestCase("  ")]
    [TestCase("**********")]
    public void Constructor_NoSecret_ThrowsArgumentException(string text)
    {
        var act = () => new SecretString(text);

        act.Should().Throw<ArgumentException>().Which.Message.Should().NotContain(Key);
    }

    [Test]
    public void Constructor_Null_ThrowsArgumentNull()
    {
        var act = () => new SecretString(null!);

        act.Should().Throw<ArgumentNullException>();
    }

    [Test]
    public void Equals_SameValue_IsTrueWithSameHash()
    {
        var a = new SecretString(Key);
        var b = new SecretString(Key);

        a.Equals(b).Should().BeTrue();
        a.Equals((object)b).Should().BeTrue();
        a.GetHashCode().Should().Be(b.GetHashCode());
    }

    [TestCase("sk-test-secret-string-two")]
    [TestCase("sk-test-secret-string-zero")]
    [TestCase("SK-TEST-SECRET-STRING-0001")]
    [TestCase("sk-test-secret-str-ten")]
    public void Equals_DifferentValue_IsFalse(string other)
    {
        var a = new SecretString(Key);

        a.Equals(new SecretString(other)).Should().BeFalse();
        a.Equals((object)new SecretString(other)).Should().BeFalse();
    }

    [Test]
    public void Equals_NullOrOtherType_IsFalse()
    {
        new SecretString(Key).Equals(null).Should().BeFalse();
        new SecretString(Key).Equals((object?)null).Should().BeFalse();
        new SecretString(Key).Equals((object)Key).Should().BeFalse("a secret never equals its plaintext string");
    }

    private static Llm FullLlm() => new("bedrock/anthropic.claude-3")
    {
        ApiKey = new SecretString(Key),
        AwsAccessKeyId = new SecretString("sk-test-aws-id-one"),
        AwsSecretAccessKey = new SecretString("sk-test-aws-secret-one"),
        AwsSessionToken = new SecretString("sk-test-aws-session-one"),
        ExtraHeaders = ImmutableDictionary<string, string>.Empty.Add("X-Team", "blue"),
    };

    private static void AssertNoSecret(string text)
    {
        text.Should().NotContain(Key);
        text.Should().NotContain("sk-test-aws-id-one");
        text.Should().NotContain("sk-test-aws-secret-one");
        text.Should().NotContain("sk-test-aws-session-one");
    }

    public sealed record Holder(string Name, SecretString? Secret, IReadOnlyList<SecretString> More);
}
