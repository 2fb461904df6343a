using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Sdk.Security;
using OpenHands.Testing;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>
/// Listing profiles never decrypts a key (issue 17): profiles whose keys were encrypted with a key this server does not
/// have are listed, with <c>api_key_set</c> taken from the stored field, while loading one still fails with the typed error.
/// </summary>
[Category("AgentServer")]
public sealed class ProfilesListingWithoutKeyTests : ServerTestBase
{
    private const string ServerKey = "sk-test-server-cipher";

    protected override void Configure(AgentServerOptions options) => options.SecretKey = ServerKey;

    private void WriteProfile(string name, string? apiKey)
    {
        var profile = new JsonObject { ["model"] = "openai/gpt-4o" };
        if (apiKey is not null)
        {
            profile["api_key"] = apiKey;
        }

        var folder = Path.Combine(Dir.Path, "profiles");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name + ".json"), profile.ToJsonString());
    }

    [Test]
    public async Task List_KeysEncryptedWithAnotherKey_ListsThemAsSetAndLoadingOneStillFails()
    {
        var otherKey = new Cipher("sk-test-other-cipher");
        WriteProfile("foreign-a", otherKey.Encrypt("sk-test-alpha"));
        WriteProfile("foreign-b", otherKey.Encrypt("sk-test-beta"));
        WriteProfile("keyless", null);

        var response = await Server.GetAsync("/api/profiles");

        response.StatusCode.Should().Be(HttpStatusCode.OK, "listing reads the stored fields and decrypts nothing");
        var list = (await response.JsonAsync())["profiles"]!.AsArray();
        list.Select(p => p!["name"]!.GetValue<string>()).Should().Equal("foreign-a", "foreign-b", "keyless");
        list.Select(p => p!["api_key_set"]!.GetValue<bool>()).Should().Equal(true, true, false);
        list.Select(p => p!["model"]!.GetValue<string>()).Should().AllBe("openai/gpt-4o");

        var load = await Server.GetAsync("/api/profiles/foreign-a");
        ((int)load.StatusCode).Should().Be(400, "loading decrypts, and the key does not fit");
        (await load.Content.ReadAsStringAsync()).Should().Contain("foreign-a").And.NotContain("sk-test-alpha");
    }
}
