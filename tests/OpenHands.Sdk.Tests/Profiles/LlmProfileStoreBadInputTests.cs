using System.Text;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Profiles;

[Parallelizable(ParallelScope.All)]
[Category("Profiles")]
[Category("BadInput")]
public sealed class LlmProfileStoreBadInputTests
{
    private const string GoodProfile = """{"model": "openai/gpt-4o", "api_key": "sk-test-good-one", "schema_version": 1}""";

    /// <summary>Every store operation that takes a name as text, as (label, call).</summary>
    private static readonly (string Label, Func<ILlmProfileStore, string?, Task> Call)[] Operations =
    [
        ("save", (s, n) => s.SaveAsync(n!, new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-bad-name-one") })),
        ("load", (s, n) => s.LoadAsync(n!)),
        ("delete", (s, n) => s.DeleteAsync(n!)),
        ("rename from", (s, n) => s.RenameAsync(n!, "renamed")),
        ("rename to", (s, n) => s.RenameAsync("good", n!)),
        ("exists", (s, n) => s.ExistsAsync(n!)),
        ("materialize", (s, n) => new ProfileMaterializer(s).MaterializeAsync(new Llm("openai/gpt-4o"), n!)),
        ("resolve", (s, n) => new ProfileResolver(s).ResolveAsync((string)n!)),
    ];

    public static IEnumerable<TestCaseData> InvalidNameOperations() =>
        from name in ProfileNameTests.InvalidNameTable()
        from op in Operations
        where !(name.Text is null && op.Label == "materialize") // a null name means "Default" there, by design
        select new TestCaseData(name.Text, op.Label).SetArgDisplayNames(op.Label, name.Why);

    /// <summary>Profile files that are corrupt or have a wrong shape: each must load as <see cref="InvalidProfileException"/>.</summary>
    public static IEnumerable<TestCaseData> CorruptFiles()
    {
        yield return Text("{ invalid json }", "not JSON");
        yield return Bytes([], "an empty file");
        yield return Text("   \n\t", "white space only");
        yield return Text("[]", "a top-level array");
        yield return Text("\"str\"", "a top-level string");
        yield return Text("null", "a top-level null");
        yield return Text("42", "a top-level number");
        yield return Text("""{"model": 5}""", "a numeric model");
        yield return Text("""{"model": null}""", "a null model");
        yield return Text("""{"temperature": 0.5}""", "no model");
        yield return Text("""{"model": ""}""", "an empty model");
        yield return Text("""{"model": "   "}""", "a blank model");
        yield return Text("""{"model": "m", "temperature": "hot"}""", "a text temperature");
        yield return Text("""{"model": "m", "temperature": -1}""", "a negative temperature");
        yield return Text("""{"model": "m", "temperature": "Infinity"}""", "an infinite temperature");
        yield return Text("""{"model": "m", "temperature": "NaN"}""", "a NaN temperature");
        yield return Text("""{"model": "m", "temperature": 1e400}""", "an overflowing temperature");
        yield return Text("""{"model": "m", "retry_multiplier": "-Infinity"}""", "an infinite retry multiplier");
        yield return Text("""{"model": "m", "input_cost_per_token": "Infinity"}""", "an infinite cost");
        yield return Text("""{"model": "m", "num_retries": -1}""", "negative retries");
        yield return Text("""{"model": "m", "num_retries": 2.5}""", "fractional retries");
        yield return Text("""{"model": "m", "num_retries": null}""", "null retries");
        yield return Text("""{"model": "m", "timeout": 1e400}""", "an overflowing timeout");
        yield return Text("""{"model": "m", "top_p": 2}""", "top_p above 1");
        yield return Text("""{"model": "m", "max_output_tokens": 0}""", "zero max output tokens");
        yield return Text("""{"model": "m", "extra_headers": {"a": 1}}""", "a numeric header value");
        yield return Text("""{"model": "m", "extra_headers": ["a"]}""", "headers as an array");
        yield return Text("""{"model": "m", "schema_version": "1"}""", "a text schema version");
        yield return Text("""{"model": "m", "schema_version": 2}""", "a newer schema version");
        yield return Text("""{"model": "m", "schema_version": -1}""", "a negative schema version");
        yield return Text("""{"model": "m", "schema_version": 1.5}""", "a fractional schema version");
        yield return Text("""{"model": "m", "api_key": 123}""", "a numeric api key");
        yield return Text("""{"model": "m", "api_key": {"value": "sk-test-x"}}""", "an object api key");
        yield return Text("""{"model": "m", "api_key": ["sk-test-x"]}""", "an array api key");
        yield return Text("""{"model": "m", "aws_secret_access_key": true}""", "a boolean aws secret");
        yield return Text("""{"model": "m", "stream": "yes"}""", "a text boolean");
        yield return Text("""{"model": "m", "drop_params": null}""", "a null required boolean");
        yield return Text("""{"model": "m", "usage_id": ""}""", "an empty usage id");
        yield return Text("""{"model": "m", "reasoning_summary": "verbose"}""", "an unknown reasoning summary");
        yield return Text("""{"model": "m", "auth_type": "password"}""", "an unknown auth type");
        yield return Text("""{"model": "m", "api_mode": "turbo"}""", "an unknown api mode");
        yield return Text("""{"model": "m", "litellm_extra_body": "x"}""", "a text extra body");
        yield return Text("""{"model": "m",}""", "a trailing comma");
        yield return Text("""{"model": "m" /* note */}""", "a comment");
        yield return Text("""{"model": "m"} trailing""", "trailing text");
        yield return Text("""{"model": "openai/gpt-4o", "api_key": "sk-test-trunc""", "truncated JSON");
        yield return Bytes([0xEF, 0xBB, 0xBF, .. "garbage"u8], "a BOM and garbage");
        yield return Bytes([0xEF, 0xBB, 0xBF], "a BOM only");
        yield return Bytes([.. "{\"model\": \"m"u8, 0xFF, 0xFE, .. "\"}"u8], "invalid UTF-8 in a string");
        yield return Text("""{"model": "m\udc00"}""", "a lone escaped surrogate");
        yield return Bytes([.. "{\"model\": \"m\", \"api_key\": \"sk-test-"u8, 0xC3, .. "\"}"u8], "invalid UTF-8 in the api key");
        yield return Bytes(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("""{"model": "m"}""")).ToArray(), "UTF-16 text");
        yield return Bytes(new byte[1024], "NUL bytes");
        yield return Text(new string('[', 1000) + new string(']', 1000), "deep nesting");
        yield return Bytes(RandomBytes(1024 * 1024), "1 MB of binary garbage");
    }

    /// <summary>Profile files whose secret cannot be decrypted: (label, content, whether the store has the cipher).</summary>
    public static IEnumerable<TestCaseData> UndecryptableFiles()
    {
        var other = new Cipher("another-key-entirely");
        yield return new TestCaseData($$"""{"model": "m", "api_key": "{{other.Encrypt("sk-test-other-key-1")}}"}""", true, "api_key")
            .SetArgDisplayNames("a token made with another key");
        yield return new TestCaseData("""{"model": "m", "api_key": "gAAAAAnot-a-valid-token"}""", true, "api_key")
            .SetArgDisplayNames("a damaged token");
        yield return new TestCaseData($$"""{"model": "m", "api_key": "{{TestCipher.Encrypt("sk-test-no-cipher-1")}}"}""", false, "api_key")
            .SetArgDisplayNames("a token and no cipher");
        yield return new TestCaseData($$"""{"model": "m", "aws_secret_access_key": "{{other.Encrypt("sk-test-aws-1")}}"}""", true, "aws_secret_access_key")
            .SetArgDisplayNames("an aws secret made with another key");
    }

    private static Cipher TestCipher { get; } = new("test-cipher-key-bad-input");

    [TestCaseSource(nameof(InvalidNameOperations))]
    public async Task StoreOperation_InvalidName_ThrowsInvalidProfileNameExceptionAndChangesNothing(string? name, string operation)
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Combine("profiles") });
        File.WriteAllText(store.GetPath(ProfileName.Create("good")), GoodProfile);
        File.WriteAllText(dir.Combine("x.json"), GoodProfile); // what "../x" would reach
        File.WriteAllText(dir.Combine("profiles", "x.json.json"), GoodProfile);
        var before = FolderSnapshot.Take(dir.Path);
        var call = Operations.Single(o => o.Label == operation).Call;

        var act = () => call(store, name);

        var error = (await act.Should().ThrowAsync<InvalidProfileNameException>()).Which;
        error.Name.Should().Be(name);
        error.Message.Should().Contain($"'{ProfileNameTests.Printable(name)}'");
        before.ShouldBeUnchanged($"after a rejected {operation}");
    }

    [TestCaseSource(nameof(CorruptFiles))]
    public async Task LoadAsync_CorruptFile_ThrowsInvalidProfileExceptionNamingTheProfileAndChangesNothing(byte[] content)
    {
        using var dir = TempDirectory.Create();
        var (store, before) = Arrange(dir, content);

        var act = () => store.LoadAsync("broken");

        var error = (await act.Should().ThrowAsync<InvalidProfileException>()).Which;
        error.ProfileName.Should().Be(ProfileName.Create("broken"));
        error.Path.Should().Be(store.GetPath(ProfileName.Create("broken")));
        error.Message.Should().Contain("'broken'").And.Contain(error.Path);
        before.ShouldBeUnchanged("after a failed load");
    }

    [TestCaseSource(nameof(CorruptFiles))]
    public async Task TryLoadAsync_CorruptFile_ThrowsInvalidProfileExceptionRatherThanNull(byte[] content)
    {
        using var dir = TempDirectory.Create();
        var (store, before) = Arrange(dir, content);

        var act = () => store.TryLoadAsync(ProfileName.Create("broken.json"));

        (await act.Should().ThrowAsync<InvalidProfileException>()).Which.Message.Should().Contain("'broken'");
        before.ShouldBeUnchanged("after a failed load");
    }

    [TestCaseSource(nameof(CorruptFiles))]
    public async Task ListSummariesAsync_CorruptFile_SkipsItAndListsTheGoodOnes(byte[] content)
    {
        using var dir = TempDirectory.Create();
        var (store, before) = Arrange(dir, content);

        var summaries = await store.ListSummariesAsync();

        summaries.Select(s => s.Name.Value).Should().Equal("good", "zz-good");
        summaries.Should().OnlyContain(s => s.Model == "openai/gpt-4o" && s.ApiKeySet);
        before.ShouldBeUnchanged("after a listing");
    }

    [TestCaseSource(nameof(CorruptFiles))]
    public async Task ListAsyncAndDeleteAsync_CorruptFile_NameIsListedSoItCanBeDeleted(byte[] content)
    {
        using var dir = TempDirectory.Create();
        var (store, _) = Arrange(dir, content);

        (await store.ListAsync()).Select(n => n.Value).Should().Equal("broken", "good", "zz-good");
        (await store.ExistsAsync("broken")).Should().BeTrue();

        (await store.DeleteAsync("broken")).Should().BeTrue();

        (await store.ListAsync()).Select(n => n.Value).Should().Equal("good", "zz-good");
        File.ReadAllText(store.GetPath(ProfileName.Create("good"))).Should().Be(GoodProfile);
    }

    [TestCaseSource(nameof(CorruptFiles))]
    public async Task MaterializeAndResolve_CorruptFile_ThrowInvalidProfileExceptionAndLeaveTheFile(byte[] content)
    {
        using var dir = TempDirectory.Create();
        var (store, before) = Arrange(dir, content);
        var llm = new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-overwrite-one") };

        var materialize = () => new ProfileMaterializer(store).MaterializeAsync(llm, "broken");
        var resolve = () => new ProfileResolver(store).ResolveAsync(ProfileReference.Create("broken"));

        (await materialize.Should().ThrowAsync<InvalidProfileException>()).Which.Message.Should().Contain("'broken'");
        (await resolve.Should().ThrowAsync<InvalidProfileException>()).Which.Message.Should().Contain("'broken'");
        before.ShouldBeUnchanged("a corrupt profile is never overwritten implicitly");
    }

    [TestCaseSource(nameof(UndecryptableFiles))]
    public async Task LoadAsync_UndecryptableSecret_ThrowsSecretDecryptionExceptionNamingProfileAndFieldAndChangesNothing(
        string content, bool storeHasCipher, string field)
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path }, storeHasCipher ? TestCipher : null);
        File.WriteAllText(dir.Combine("locked.json"), content);
        var before = FolderSnapshot.Take(dir.Path);

        var load = () => store.LoadAsync("locked");
        var materialize = () => new ProfileMaterializer(store).MaterializeAsync(new Llm("m"), "locked");

        var error = (await load.Should().ThrowAsync<SecretDecryptionException>()).Which;
        error.ProfileName.Should().Be("locked");
        error.FieldName.Should().Be(field);
        error.Message.Should().Contain("'locked'").And.Contain(field).And.NotContain("gAAAAA", "the message never shows the stored value");
        await materialize.Should().ThrowAsync<SecretDecryptionException>();
        before.ShouldBeUnchanged("an undecryptable profile is never overwritten implicitly");
    }

    [TestCaseSource(nameof(UndecryptableFiles))]
    public async Task ListSummariesAsync_UndecryptableSecret_ListsTheProfileWithTheKeyCountedAsSet(string content, bool storeHasCipher, string field)
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path }, storeHasCipher ? TestCipher : null);
        File.WriteAllText(dir.Combine("locked.json"), content);

        var summaries = await store.ListSummariesAsync();

        // The file is fine; only the configured key is wrong. Listing it lets the user see it and fix the key.
        summaries.Should().ContainSingle().Which.Should().Be(
            new LlmProfileSummary(ProfileName.Create("locked"), "m", null, null, ApiKeySet: field == "api_key"));
    }

    [Test]
    public async Task LoadAsync_CorruptFile_ErrorMessageDoesNotContainTheFileContent()
    {
        using var dir = TempDirectory.Create();
        var (store, _) = Arrange(dir, Encoding.UTF8.GetBytes("""{"model": "openai/gpt-4o", "api_key": "sk-test-leak-one", "temperature": "hot"}"""));

        var act = () => store.LoadAsync("broken");

        var error = (await act.Should().ThrowAsync<InvalidProfileException>()).Which;
        error.Message.Should().Contain("temperature").And.NotContain("sk-test-leak-one");
        error.ToString().Should().NotContain("sk-test-leak-one");
    }

    [Test]
    public async Task LoadAsync_OutOfRangeValue_ErrorNamesTheJsonField()
    {
        using var dir = TempDirectory.Create();
        var (store, _) = Arrange(dir, Encoding.UTF8.GetBytes("""{"model": "m", "num_retries": -1}"""));

        var act = () => store.LoadAsync("broken");

        (await act.Should().ThrowAsync<InvalidProfileException>()).Which.Message.Should().Contain("num_retries");
    }

    [Test]
    public async Task LoadAsync_NewerSchemaVersion_ErrorSaysNewerThanSupported()
    {
        using var dir = TempDirectory.Create();
        var (store, _) = Arrange(dir, Encoding.UTF8.GetBytes("""{"model": "m", "schema_version": 2}"""));

        var act = () => store.LoadAsync("broken");

        (await act.Should().ThrowAsync<InvalidProfileException>()).Which.Message.Should().Contain("newer than supported");
    }

    [Test]
    public async Task SaveAsync_OverCorruptFile_ExplicitSaveReplacesIt()
    {
        using var dir = TempDirectory.Create();
        var (store, _) = Arrange(dir, Encoding.UTF8.GetBytes("{ invalid json }"));

        await store.SaveAsync("broken", new Llm("openai/gpt-4o-mini"));

        (await store.LoadAsync("broken")).Model.Should().Be("openai/gpt-4o-mini");
    }

    [Test]
    public async Task SaveAsync_NegativeMaxProfiles_ThrowsArgumentOutOfRangeAndWritesNothing()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var before = FolderSnapshot.Take(dir.Path);

        var act = () => store.SaveAsync("new", new Llm("m"), new ProfileSaveOptions { MaxProfiles = -1 });

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
        before.ShouldBeUnchanged();
    }

    [Test]
    public void Constructor_NonPositiveLockTimeout_ThrowsArgumentOutOfRange()
    {
        using var dir = TempDirectory.Create();

        var act = () => new LlmProfileStore(new() { Directory = dir.Path, LockTimeout = TimeSpan.Zero });

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public async Task SaveAsync_NullLlm_ThrowsArgumentNullAndWritesNothing()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var before = FolderSnapshot.Take(dir.Path);

        var act = () => store.SaveAsync("x", null!);

        await act.Should().ThrowAsync<ArgumentNullException>();
        before.ShouldBeUnchanged();
    }

    /// <summary>A store with <c>broken.json</c> (the given bytes) between two good profiles, and a snapshot of its folder.</summary>
    private static (LlmProfileStore Store, FolderSnapshot Before) Arrange(TempDirectory dir, byte[] content)
    {
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        File.WriteAllText(dir.Combine("good.json"), GoodProfile);
        File.WriteAllBytes(dir.Combine("broken.json"), content);
        File.WriteAllText(dir.Combine("zz-good.json"), GoodProfile);
        return (store, FolderSnapshot.Take(dir.Path));
    }

    private static TestCaseData Text(string content, string label) => Bytes(Encoding.UTF8.GetBytes(content), label);

    private static TestCaseData Bytes(byte[] content, string label) => new TestCaseData(content).SetArgDisplayNames(label);

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(20240611).NextBytes(bytes);
        return bytes;
    }
}
