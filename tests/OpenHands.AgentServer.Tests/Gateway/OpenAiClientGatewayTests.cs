using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Gateway;

/// <summary>
/// The official <c>openai</c> npm client against <c>/v1</c> (issue 15, Done when 2): it lists the profiles as models and
/// gets a completion, streamed and not, from a profile whose provider key it never sees; the fake provider's recorded
/// requests carry that key, and nothing the client received holds it.
/// </summary>
[Category("AgentServer"), Category("Npm"), NonParallelizable]
public sealed class OpenAiClientGatewayTests
{
    private const string OpenAiPackage = "openai@7.59.0";
    private const string SessionKey = "sk-test-gw-session";
    private const string ProviderKey = "sk-test-gw-provider";

    [Test]
    public async Task OpenAiClient_ListsModelsAndCompletesStreamedAndNot_WithoutEverSeeingTheProfileKey()
    {
        using var dir = TempDirectory.Create();
        await using var fake = await FakeLlmServer.StartNewAsync();
        fake.Enqueue(FakeReply.Text("Hello from the fake provider").WithUsage(11, 5), FakeReply.Text("Streamed reply in several pieces").WithUsage(7, 6));
        await using var server = await TestServer.StartAsync(dir.Path, o => o.SessionApiKeys.Add(SessionKey));
        var saved = await server.PostAsync("/api/profiles/fast", $$$"""{"llm":{"model":"openai/gpt-4o","base_url":"{{{fake.BaseUrl}}}/v1","api_key":"{{{ProviderKey}}}"}}""", ("X-Session-API-Key", SessionKey));
        saved.StatusCode.Should().Be(HttpStatusCode.Created, await saved.Content.ReadAsStringAsync());
        var folder = await NpmPackages.InstallAsync("openai", OpenAiPackage);

        var (code, stdout, stderr) = await NpmPackages.RunNodeAsync(
            folder, "openai-client.mjs", await File.ReadAllTextAsync(Path.Combine(TestContext.CurrentContext.TestDirectory, "Gateway", "openai-client.mjs")),
            new Dictionary<string, string> { ["GATEWAY_URL"] = server.BaseUrl + "/v1", ["SESSION_KEY"] = SessionKey, ["MODEL"] = "openhands_fast" });

        code.Should().Be(0, stderr);
        var result = JsonNode.Parse(stdout)!;
        result["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).Should().Equal("openhands_fast");
        result["models"]![0]!["object"]!.GetValue<string>().Should().Be("model");

        var completion = result["completion"]!;
        completion["object"]!.GetValue<string>().Should().Be("chat.completion");
        completion["model"]!.GetValue<string>().Should().Be("openhands_fast");
        completion["choices"]![0]!["message"]!["content"]!.GetValue<string>().Should().Be("Hello from the fake provider");
        completion["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().Be("stop");
        completion["usage"]!["total_tokens"]!.GetValue<long>().Should().Be(16);

        var chunks = result["chunks"]!.AsArray();
        chunks.Should().OnlyContain(c => c!["object"]!.GetValue<string>() == "chat.completion.chunk");
        var pieces = chunks.SelectMany(c => c!["choices"]!.AsArray()).Select(c => c!["delta"]!["content"]?.GetValue<string>()).OfType<string>().ToList();
        pieces.Should().HaveCountGreaterThan(1, "the reply streams in pieces as the provider sends them");
        string.Concat(pieces).Should().Be("Streamed reply in several pieces");
        chunks.SelectMany(c => c!["choices"]!.AsArray()).Select(c => c!["finish_reason"]?.GetValue<string>()).OfType<string>().Should().Equal("stop");
        chunks[^1]!["usage"]!["total_tokens"]!.GetValue<long>().Should().Be(13);

        result["missing"]!["status"]!.GetValue<int>().Should().Be(404);
        result["missing"]!["code"]!.GetValue<string>().Should().Be("model_not_found");
        result["unauthorized"]!["status"]!.GetValue<int>().Should().Be(401);

        // The provider got the profile's key; the client never did.
        fake.Requests.Should().HaveCount(2);
        fake.Requests.Should().OnlyContain(r => r.Header("Authorization") == "Bearer " + ProviderKey);
        fake.Requests[0].BodyText.Should().Contain("Answer in one line.", "system messages reach the model");
        fake.Requests[1].Body!.RootElement.GetProperty("stream").GetBoolean().Should().BeTrue();
        stdout.Should().NotContain(ProviderKey);
        stderr.Should().NotContain(ProviderKey);
        stdout.Should().NotContain(SessionKey);
    }
}
