using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Sdk.Security;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>
/// <c>/api/settings/secrets</c> (issue 15, Build 5): values are write-only (no answer ever holds one) and Fernet-encrypted
/// in <c>secrets.json</c> with the server's cipher.
/// </summary>
[Category("AgentServer")]
public sealed class SecretsEndpointsTests : ServerTestBase
{
    private const string CipherKey = "test-passphrase-secrets";
    private const string Value = "sk-test-github-token";

    protected override void Configure(AgentServerOptions options) => options.SecretKey = CipherKey;

    [Test]
    public async Task Put_ThenListGetAndDelete_NeverReturnTheValue()
    {
        var put = await Server.SendAsync(HttpMethod.Put, "/api/settings/secrets", $$"""{"name":"GITHUB_TOKEN","value":"{{Value}}","description":"CI token"}""");
        var list = await Server.GetAsync("/api/settings/secrets");
        var get = await Server.GetAsync("/api/settings/secrets/GITHUB_TOKEN");
        var texts = new[] { await put.Content.ReadAsStringAsync(), await list.Content.ReadAsStringAsync(), await get.Content.ReadAsStringAsync() };

        put.StatusCode.Should().Be(HttpStatusCode.OK, texts[0]);
        JsonNode.Parse(texts[0])!.ToJsonString().Should().Be("""{"name":"GITHUB_TOKEN","description":"CI token"}""");
        JsonNode.Parse(texts[1])!["secrets"]!.ToJsonString().Should().Be("""[{"name":"GITHUB_TOKEN","description":"CI token"}]""");
        JsonNode.Parse(texts[2])!.ToJsonString().Should().Be("""{"name":"GITHUB_TOKEN","description":"CI token"}""");
        texts.Should().OnlyContain(t => !t.Contains(Value, StringComparison.Ordinal));

        var deleted = await Server.DeleteAsync("/api/settings/secrets/GITHUB_TOKEN");
        (await deleted.JsonAsync()).ToJsonString().Should().Be("""{"deleted":true}""");
        (await Server.GetAsync("/api/settings/secrets/GITHUB_TOKEN")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Server.DeleteAsync("/api/settings/secrets/GITHUB_TOKEN")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Put_WithACipher_StoresTheValueFernetEncryptedInThePythonLayout()
    {
        await Server.SendAsync(HttpMethod.Put, "/api/settings/secrets", $$"""{"name":"API_TOKEN","value":"{{Value}}"}""");
        await Server.SendAsync(HttpMethod.Put, "/api/settings/secrets", """{"name":"OTHER","value":"sk-test-other-one"}""");

        var text = await File.ReadAllTextAsync(Path.Combine(Dir.Path, "secrets.json"));

        text.Should().NotContain(Value).And.NotContain("sk-test-other-one");
        var stored = JsonNode.Parse(text)!["custom_secrets"]!["API_TOKEN"]!;
        stored["name"]!.GetValue<string>().Should().Be("API_TOKEN");
        var token = stored["secret"]!.GetValue<string>();
        Cipher.LooksEncrypted(token).Should().BeTrue();
        new Cipher(CipherKey).Decrypt(token).Should().Be(Value, "the server's cipher (OH_SECRET_KEY) encrypts it");
    }

    [Test]
    public async Task Put_Replace_KeepsTheOtherSecretsByteForByte()
    {
        await Server.SendAsync(HttpMethod.Put, "/api/settings/secrets", """{"name":"A","value":"sk-test-a-one"}""");
        await Server.SendAsync(HttpMethod.Put, "/api/settings/secrets", """{"name":"B","value":"sk-test-b-one"}""");
        var before = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Dir.Path, "secrets.json")))!["custom_secrets"]!["A"]!.ToJsonString();

        await Server.SendAsync(HttpMethod.Put, "/api/settings/secrets", """{"name":"B","value":"sk-test-b-two","description":"rotated"}""");

        var after = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Dir.Path, "secrets.json")))!["custom_secrets"]!;
        after["A"]!.ToJsonString().Should().Be(before);
        new Cipher(CipherKey).Decrypt(after["B"]!["secret"]!.GetValue<string>()).Should().Be("sk-test-b-two");
    }

    [TestCase("""{"name":"1bad","value":"x"}""")]
    [TestCase("""{"name":"has space","value":"x"}""")]
    [TestCase("""{"name":"","value":"x"}""")]
    [TestCase("""{"value":"x"}""")]
    [TestCase("""{"name":"OK"}""")]
    [TestCase("""{"name":"OK","value":5}""")]
    [TestCase("""{"name":"OK","value":"x","description":["d"]}""")]
    public async Task Put_Invalid_Returns422AndWritesNothing(string body)
    {
        var response = await Server.SendAsync(HttpMethod.Put, "/api/settings/secrets", body);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync());
        File.Exists(Path.Combine(Dir.Path, "secrets.json")).Should().BeFalse();
    }

    [TestCase("GET")]
    [TestCase("DELETE")]
    public async Task ByName_InvalidName_Returns422(string method)
    {
        var response = await Server.SendAsync(new HttpMethod(method), "/api/settings/secrets/9lives");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }

    [Test]
    public async Task CorruptFile_Returns409AndIsLeftAsItWas()
    {
        var path = Path.Combine(Dir.Path, "secrets.json");
        await File.WriteAllTextAsync(path, "{ not json");

        var list = await Server.GetAsync("/api/settings/secrets");
        var put = await Server.SendAsync(HttpMethod.Put, "/api/settings/secrets", """{"name":"A","value":"sk-test-a-one"}""");

        list.StatusCode.Should().Be(HttpStatusCode.Conflict);
        put.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await File.ReadAllTextAsync(path)).Should().Be("{ not json");
    }
}
