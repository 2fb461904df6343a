using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Gateway;

/// <summary>
/// <c>/v1</c> on the wire: OpenAI's shapes (server-sent chunks ending with <c>[DONE]</c>, errors as
/// <c>{"error":{…}}</c>), the session key as Bearer or <c>X-Session-API-Key</c>, and gateway conversations that leave
/// nothing behind.
/// </summary>
[Category("AgentServer")]
public sealed class GatewayEndpointsTests : ServerTestBase
{
    private const string SessionKey = "sk-test-session-v1-7777";
    private const string ProviderKey = "sk-test-provider-v1-8888";

    private FakeLlmServer _fake = null!;

    protected override void Configure(AgentServerOptions options) => options.SessionApiKeys.Add(SessionKey);

    [SetUp]
    public async Task StartFakeAndSaveProfileAsync()
    {
        _fake = await FakeLlmServer.StartNewAsync();
        var saved = await Server.PostAsync("/api/profiles/fast", $$$"""{"llm":{"model":"openai/gpt-4o","base_url":"{{{_fake.BaseUrl}}}/v1","api_key":"{{{ProviderKey}}}"}}""", ("X-Session-API-Key", SessionKey));
        saved.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [TearDown]
    public async Task StopFakeAsync() => await _fake.DisposeAsync();

    [Test]
    public async Task Stream_IsServerSentChunksEndingWithDone()
    {
        _fake.Enqueue(FakeReply.Text("one two three"));

        var response = await Server.PostAsync("/v1/chat/completions", """{"model":"openhands_fast","stream":true,"messages":[{"role":"user","content":"count"}]}""", ("Authorization", "Bearer " + SessionKey));
        var text = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        events.Should().OnlyContain(e => e.StartsWith("data: ", StringComparison.Ordinal));
        events[^1].Should().Be("data: [DONE]");
        var chunks = events[..^1].Select(e => JsonNode.Parse(e["data: ".Length..])!).ToList();
        chunks[0]["choices"]![0]!["delta"]!["role"]!.GetValue<string>().Should().Be("assistant");
        chunks.Select(c => c["id"]!.GetValue<string>()).Distinct().Should().ContainSingle();
        string.Concat(chunks.Select(c => c["choices"]![0]!["delta"]!["content"]?.GetValue<string>())).Should().Be("one two three");
        chunks[^1]["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().Be("stop");
        chunks.Should().NotContain(c => c.ToJsonString().Contains("\"usage\""), "usage comes only with stream_options.include_usage");
        text.Should().NotContain(ProviderKey);
    }

    [TestCase("Authorization", "Bearer " + SessionKey)]
    [TestCase("X-Session-API-Key", SessionKey)]
    public async Task Models_TakesTheSessionKeyInEitherHeader(string header, string value)
    {
        var response = await Server.GetAsync("/v1/models", (header, value));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.JsonAsync()).ToJsonString().Should().Be("""{"object":"list","data":[{"id":"openhands_fast","object":"model","created":0,"owned_by":"openhands"}]}""");
    }

    [TestCase(null)]
    [TestCase("Bearer sk-test-wrong")]
    [TestCase("Basic c2stdGVzdA==")]
    public async Task Models_WithoutTheKey_Returns401InOpenAiShape(string? authorization)
    {
        var response = authorization is null ? await Server.GetAsync("/v1/models") : await Server.GetAsync("/v1/models", ("Authorization", authorization));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var error = (await response.JsonAsync())["error"]!;
        error["type"]!.GetValue<string>().Should().Be("authentication_error");
        error["code"]!.GetValue<string>().Should().Be("invalid_api_key");
    }

    [Test]
    public async Task Api_DoesNotTakeBearer_ItKeepsItsOwnHeader()
    {
        var response = await Server.GetAsync("/api/profiles", ("Authorization", "Bearer " + SessionKey));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.JsonAsync())["detail"]!.GetValue<string>().Should().Be("Unauthorized");
    }

    [Test]
    public async Task Completion_BareProfileName_IsTheSameModel_AndLeavesNoConversationBehind()
    {
        _fake.Enqueue(FakeReply.Text("plain answer"));

        var response = await Server.PostAsync("/v1/chat/completions", """{"model":"fast","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}""", ("X-Session-API-Key", SessionKey));
        var body = await response.JsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        body["choices"]![0]!["message"]!["content"]!.GetValue<string>().Should().Be("plain answer");
        body["model"]!.GetValue<string>().Should().Be("fast");
        var listed = await (await Server.GetAsync("/api/conversations/search", ("X-Session-API-Key", SessionKey))).JsonAsync();
        listed["items"]!.AsArray().Should().BeEmpty("gateway conversations live in memory only");
        var conversations = Path.Combine(Dir.Path, "conversations");
        (Directory.Exists(conversations) ? Directory.GetFileSystemEntries(conversations) : []).Should().BeEmpty();
        Directory.GetFiles(Dir.Path, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Should().NotContain("base_state.json");
    }

    [Test]
    public async Task Completion_ProviderFails_Returns502InOpenAiShapeWithoutTheKey()
    {
        _fake.Enqueue(FakeReply.Error(401, """{"error":{"message":"Incorrect API key provided"}}"""));

        var response = await Server.PostAsync("/v1/chat/completions", """{"model":"openhands_fast","messages":[{"role":"user","content":"hi"}]}""", ("X-Session-API-Key", SessionKey));
        var text = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway, text);
        var error = JsonNode.Parse(text)!["error"]!;
        error["type"]!.GetValue<string>().Should().Be("server_error");
        error["code"]!.GetValue<string>().Should().Be("upstream_error");
        text.Should().NotContain(ProviderKey);
    }

    [Test]
    public async Task Stream_ProviderFailsBeforeAnyOutput_AnswersTheStatusNotAStream()
    {
        _fake.Enqueue(FakeReply.Error(400, """{"error":{"message":"bad request"}}"""));

        var response = await Server.PostAsync("/v1/chat/completions", """{"model":"openhands_fast","stream":true,"messages":[{"role":"user","content":"hi"}]}""", ("X-Session-API-Key", SessionKey));

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await response.JsonAsync())["error"]!["code"]!.GetValue<string>().Should().Be("upstream_error");
    }

    [TestCase("""{"messages":[{"role":"user","content":"hi"}]}""", 422, "model")]
    [TestCase("""{"model":"openhands_fast"}""", 422, "messages")]
    [TestCase("""{"model":"openhands_fast","messages":[]}""", 422, "messages")]
    [TestCase("""{"model":"openhands_fast","messages":[{"role":"robot","content":"hi"}]}""", 422, "messages.0.role")]
    [TestCase("""{"model":"openhands_fast","messages":[null]}""", 422, "messages.0")]
    [TestCase("""{"model":"openhands_fast","messages":[{"role":"system","content":"only system"}]}""", 400, null)]
    [TestCase("""{"model":"openhands_fast","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://x/y.png"}}]}]}""", 400, null)]
    [TestCase("""{"model":"openhands_ghost","messages":[{"role":"user","content":"hi"}]}""", 404, null)]
    [TestCase("""{"model":"../fast","messages":[{"role":"user","content":"hi"}]}""", 404, null)]
    [TestCase("""{"model":7,"messages":[{"role":"user","content":"hi"}]}""", 422, "model")]
    [TestCase("""{"model":"openhands_fast","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", 422, "stream")]
    [TestCase("""not json""", 422, null)]
    public async Task Completion_BadRequest_AnswersInOpenAiShapeAndCallsNoProvider(string body, int status, string? param)
    {
        var response = await Server.PostAsync("/v1/chat/completions", body, ("X-Session-API-Key", SessionKey));
        var text = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).Should().Be(status, text);
        var error = JsonNode.Parse(text)!["error"]!;
        error["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        error["type"]!.GetValue<string>().Should().Be(status == 404 ? "not_found_error" : "invalid_request_error");
        if (param is not null)
        {
            error["param"]!.GetValue<string>().Should().Be(param);
        }

        _fake.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task UnknownV1Route_Returns404InOpenAiShape()
    {
        var response = await Server.PostAsync("/v1/embeddings", """{"model":"x","input":"y"}""", ("X-Session-API-Key", SessionKey));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.JsonAsync())["error"]!["type"]!.GetValue<string>().Should().Be("not_found_error");
    }
}
