using System.Text.Json;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>
/// <see cref="ProviderConnectionStore"/> on real files (profile-chain spec behaviours 61-63): Fernet at rest, keys read at
/// use, the Python file location, a referenced connection kept, a broken link reported, a wrong key never erasing one.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Profiles")]
public sealed class ProviderConnectionStoreTests
{
    private const string KeyOne = "sk-test-conn-one";
    private const string KeyTwo = "sk-test-conn-two";

    private static Cipher TestCipher { get; } = new("test-cipher-key-connections");

    [Test]
    public async Task Create_WithCipher_StoresAFernetTokenAtThePythonPath_AndReadsTheKeyBack()
    {
        using var dir = TempDirectory.Create();
        var folder = OpenHandsPaths.ProviderConnectionsDirectory(null, dir.Path);
        var store = new ProviderConnectionStore(new() { Directory = folder }, TestCipher);

        var created = await store.CreateAsync("Work", "anthropic", new SecretString(KeyOne), "http://127.0.0.1:9/v1");

        folder.Should().Be(Path.Combine(dir.Path, "provider-connections"));
        store.FilePath.Should().Be(Path.Combine(dir.Path, "provider-connections", "provider_connections.json"));
        var text = await File.ReadAllTextAsync(store.FilePath);
        text.Should().NotContain(KeyOne).And.Contain(created.Id);
        using var doc = JsonDocument.Parse(text);
        var stored = FindConnection(doc.RootElement, created.Id);
        var token = stored.GetProperty("api_key").GetString()!;
        Cipher.LooksEncrypted(token).Should().BeTrue();
        TestCipher.Decrypt(token).Should().Be(KeyOne);
        var read = await store.GetAsync(created.Id);
        read!.ApiKey!.Reveal().Should().Be(KeyOne);
        read.DisplayName.Should().Be("Work");
        read.Provider.Should().Be("anthropic");
        read.BaseUrl.Should().Be("http://127.0.0.1:9/v1");
    }

    [Test]
    public async Task LinkedProfile_TakesTheConnectionsKeyAndBaseUrl_ReadAtEachResolve()
    {
        using var dir = TempDirectory.Create();
        var profiles = new LlmProfileStore(new() { Directory = Path.Combine(dir.Path, "profiles") }, TestCipher);
        var connections = new ProviderConnectionStore(new() { Directory = Path.Combine(dir.Path, "provider-connections") }, TestCipher, profiles);
        var connection = await connections.CreateAsync("Work", "openai", new SecretString(KeyOne), "http://127.0.0.1:9/conn");
        await profiles.SaveAsync(ProfileName.Create("linked"), new Llm("openai/gpt-linked") { ProviderConnectionId = connection.Id, BaseUrl = "http://127.0.0.1:9/own" });
        var resolver = new ProfileResolver(profiles, null, connections);

        var first = await resolver.ResolveAsync("linked");
        var otherProcess = new ProviderConnectionStore(new() { Directory = Path.Combine(dir.Path, "provider-connections") }, TestCipher);
        await otherProcess.UpdateAsync(connection.Id, c => c with { ApiKey = new SecretString(KeyTwo) });
        var second = await resolver.ResolveAsync("linked");

        first.ApiKey!.Reveal().Should().Be(KeyOne);
        first.BaseUrl.Should().Be("http://127.0.0.1:9/conn", "the connection's base URL wins over the profile's");
        second.ApiKey!.Reveal().Should().Be(KeyTwo, "the key is read at use, not cached from the first resolve");
        (await File.ReadAllTextAsync(Path.Combine(dir.Path, "profiles", "linked.json"))).Should().NotContain(KeyOne).And.NotContain("gAAAAA", "a linked profile stores no key of its own");
    }

    [Test]
    public async Task Delete_ReferencedConnection_IsRefusedNamingTheProfiles_AndNothingChanges()
    {
        using var dir = TempDirectory.Create();
        var profiles = new LlmProfileStore(new() { Directory = Path.Combine(dir.Path, "profiles") }, TestCipher);
        var store = new ProviderConnectionStore(new() { Directory = Path.Combine(dir.Path, "provider-connections") }, TestCipher, profiles);
        var used = await store.CreateAsync("Used", "openai", new SecretString(KeyOne), null);
        var free = await store.CreateAsync("Free", "openai", new SecretString(KeyTwo), null);
        await profiles.SaveAsync(ProfileName.Create("linked"), new Llm("openai/gpt-linked") { ProviderConnectionId = used.Id });
        var before = await File.ReadAllTextAsync(store.FilePath);

        var act = () => store.DeleteAsync(used.Id);

        var error = (await act.Should().ThrowAsync<ProviderConnectionInUseException>()).Which;
        error.ConnectionId.Should().Be(used.Id);
        error.Referrers.Should().Equal(ProfileName.Create("linked"));
        (await File.ReadAllTextAsync(store.FilePath)).Should().Be(before);
        (await store.DeleteAsync(free.Id)).Id.Should().Be(free.Id);
        (await store.ListAsync()).Select(c => c.Id).Should().Equal(used.Id);
    }

    [Test]
    public async Task BrokenLink_ResolveThrowsNamingTheConnection()
    {
        using var dir = TempDirectory.Create();
        var profiles = new LlmProfileStore(new() { Directory = Path.Combine(dir.Path, "profiles") }, TestCipher);
        var connections = new ProviderConnectionStore(new() { Directory = Path.Combine(dir.Path, "provider-connections") }, TestCipher, profiles);
        await profiles.SaveAsync(ProfileName.Create("dangling"), new Llm("openai/gpt-linked") { ProviderConnectionId = "no-such-connection" });

        var act = () => new ProfileResolver(profiles, null, connections).ResolveAsync("dangling");

        (await act.Should().ThrowAsync<ProviderConnectionNotFoundException>()).Which.Message.Should().Contain("no-such-connection");
    }

    [Test]
    public async Task WrongKey_ReadIsATypedError_AndAnUpdateCannotEraseTheStoredKey()
    {
        using var dir = TempDirectory.Create();
        var folder = Path.Combine(dir.Path, "provider-connections");
        var store = new ProviderConnectionStore(new() { Directory = folder }, TestCipher);
        var created = await store.CreateAsync("Work", "openai", new SecretString(KeyOne), null);
        var before = await File.ReadAllTextAsync(store.FilePath);
        var wrong = new ProviderConnectionStore(new() { Directory = folder }, new Cipher("another-cipher-key"));

        var read = () => wrong.ListAsync();
        var update = () => wrong.UpdateAsync(created.Id, c => c with { DisplayName = "Renamed" });

        await read.Should().ThrowAsync<SecretDecryptionException>();
        await update.Should().ThrowAsync<SecretDecryptionException>();
        (await File.ReadAllTextAsync(store.FilePath)).Should().Be(before);
        (await store.GetAsync(created.Id))!.ApiKey!.Reveal().Should().Be(KeyOne);
    }

    [Test]
    public async Task CorruptFile_IsATypedError_AndIsNeverReplaced()
    {
        using var dir = TempDirectory.Create();
        var store = new ProviderConnectionStore(new() { Directory = Path.Combine(dir.Path, "provider-connections") }, TestCipher);
        await File.WriteAllTextAsync(store.FilePath, "{ not json");

        var list = () => store.ListAsync();
        var create = () => store.CreateAsync("Work", "openai", new SecretString(KeyOne), null);

        await list.Should().ThrowAsync<InvalidProviderConnectionsException>();
        await create.Should().ThrowAsync<InvalidProviderConnectionsException>();
        (await File.ReadAllTextAsync(store.FilePath)).Should().Be("{ not json");
    }

    [Test]
    public async Task Update_UnknownId_ThrowsNotFound_Create_OverTheLimit_ThrowsAndWritesNothing()
    {
        using var dir = TempDirectory.Create();
        var store = new ProviderConnectionStore(new() { Directory = Path.Combine(dir.Path, "provider-connections"), MaxConnections = 1 }, TestCipher);
        await store.CreateAsync("One", "openai", new SecretString(KeyOne), null);
        var before = await File.ReadAllTextAsync(store.FilePath);

        var update = () => store.UpdateAsync("no-such-id", c => c);
        var create = () => store.CreateAsync("Two", "openai", new SecretString(KeyTwo), null);

        await update.Should().ThrowAsync<ProviderConnectionNotFoundException>();
        await create.Should().ThrowAsync<ProfileLimitExceededException>();
        (await File.ReadAllTextAsync(store.FilePath)).Should().Be(before);
    }

    /// <summary>The connection with <paramref name="id"/> in the file, whatever its top-level shape (an array or an object of them).</summary>
    private static JsonElement FindConnection(JsonElement root, string id)
    {
        foreach (var element in Walk(root))
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var v) && v.GetString() == id && element.TryGetProperty("api_key", out _))
            {
                return element;
            }
        }

        throw new AssertionException($"no connection {id} in the file");
    }

    private static IEnumerable<JsonElement> Walk(JsonElement e)
    {
        yield return e;
        var children = e.ValueKind switch
        {
            JsonValueKind.Object => e.EnumerateObject().Select(p => p.Value),
            JsonValueKind.Array => e.EnumerateArray(),
            _ => [],
        };
        foreach (var c in children.SelectMany(Walk))
        {
            yield return c;
        }
    }
}
