using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>
/// Bad input never reaches a 5xx, and a rejected request changes nothing (issue 11, Build 3): on a server with a profile,
/// an active profile, settings and a conversation, every malformed request — invalid UTF-8, a lone surrogate and a NUL in
/// every string field, a wrong type in every field, bad paths, queries and headers — answers a 4xx with a detail, and
/// the persistence folder is byte-identical afterwards. No error is logged.
/// </summary>
[Category("AgentServer"), NonParallelizable]
public sealed class MalformedRequestTableTests
{
    private const string Key = "sk-test-table";
    private static readonly Guid Conversation = Guid.Parse("0b7e3a5e-8d3c-4f7e-9d44-3f9f0c1e2a10");
    private static readonly string C = "/api/conversations/" + Conversation;

    private TempDirectory _dir = null!;
    private AgentServerHost _host = null!;
    private TestClient _client = null!;
    private CollectingLoggerProvider _logs = null!;

    /// <summary>A request with the placeholder <c>@</c> where the bad value goes (a quoted <c>"@"</c> is a string field).</summary>
    private static IEnumerable<TestCaseData> StringFields()
    {
        (string Method, string Path, string Template)[] fields =
        [
            ("POST", "/api/profiles/x", """{"llm":{"model":"@"}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","api_key":"@"}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","base_url":"@"}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","api_version":"@"}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","aws_region_name":"@"}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","reasoning_effort":"@"}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","usage_id":"@"}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","extra_headers":{"X-Team":"@"}}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o"},"unknown_field":"@"}"""),
            ("POST", "/api/profiles/x/validate", """{"llm":{"model":"@"}}"""),
            ("POST", "/api/profiles/x/validate", """{"llm":{"model":"openai/gpt-4o","api_key":"@"}}"""),
            ("POST", "/api/profiles/x/validate", """{"llm":{"model":"openai/gpt-4o","base_url":"@"}}"""),
            ("POST", "/api/profiles/fast/rename", """{"new_name":"@"}"""),
            ("PATCH", "/api/settings", """{"active_profile":"@"}"""),
            ("PATCH", "/api/settings", """{"active_agent_profile_id":"@"}"""),
            ("PATCH", "/api/settings", """{"agent_settings_diff":{"llm":{"model":"@"}}}"""),
            ("PATCH", "/api/settings", """{"misc_settings_diff":{"theme":"@"}}"""),
            ("PATCH", "/api/settings", """{"conversation_settings_diff":{"security_analyzer":"@"}}"""),
            ("POST", "/api/conversations", """{"conversation_id":"@","llm_profile":"fast"}"""),
            ("POST", "/api/conversations", """{"llm_profile":"@"}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","agent":{"kind":"@"}}"""),
            ("POST", "/api/conversations", """{"agent":{"llm":{"model":"@","api_key":"sk-test-inline-1"}}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","agent":{"tools":[{"name":"@"}]}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","workspace":{"working_dir":"@"}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","initial_message":{"role":"@","content":[{"type":"text","text":"hi"}]}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","initial_message":{"content":[{"type":"text","text":"@"}]}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","initial_message":{"content":[{"type":"@","text":"hi"}]}}"""),
            ("PATCH", C, """{"title":"@"}"""),
            ("PATCH", C, """{"tags":{"team":"@"}}"""),
            ("POST", C + "/switch_profile", """{"profile_name":"@"}"""),
            ("POST", C + "/switch_llm", """{"llm":{"model":"@"}}"""),
            ("POST", C + "/switch_llm", """{"llm":{"model":"openai/gpt-4o","api_key":"@"}}"""),
            ("POST", C + "/events", """{"role":"@","content":[{"type":"text","text":"hi"}]}"""),
            ("POST", C + "/events", """{"content":[{"type":"text","text":"@"}],"run":true}"""),
            ("POST", C + "/events", """{"content":[{"type":"@","text":"hi"}]}"""),
            ("PUT", "/api/settings/secrets", """{"name":"@","value":"v"}"""),
            ("PUT", "/api/settings/secrets", """{"name":"KEPT","value":"@"}"""),
            ("PUT", "/api/settings/secrets", """{"name":"KEPT","value":"v","description":"@"}"""),
            ("POST", "/v1/chat/completions", """{"model":"@","messages":[{"role":"user","content":"hi"}]}"""),
            ("POST", "/v1/chat/completions", """{"model":"openhands_fast","messages":[{"role":"@","content":"hi"}]}"""),
            ("POST", "/v1/chat/completions", """{"model":"openhands_fast","messages":[{"role":"user","content":"@"}]}"""),
            ("POST", "/v1/chat/completions", """{"model":"openhands_fast","messages":[{"role":"user","content":[{"type":"text","text":"@"}]}]}"""),
        ];
        foreach (var (method, path, template) in fields)
        {
            var field = template[..template.IndexOf('@', StringComparison.Ordinal)];
            yield return new TestCaseData(method, path, Splice(template, [(byte)'"', 0xFF, 0xFE, (byte)'b', 0xC3, (byte)'"'])).SetArgDisplayNames(method, path, "invalid UTF-8", field);
            yield return new TestCaseData(method, path, Splice(template, "\"\\ud800\""u8)).SetArgDisplayNames(method, path, "lone surrogate", field);
            yield return new TestCaseData(method, path, Splice(template, "\"a\\u0000b\""u8)).SetArgDisplayNames(method, path, "NUL", field);
            if (!template.Contains("unknown_field", StringComparison.Ordinal) && !template.Contains("misc_settings_diff", StringComparison.Ordinal))
            {
                // Unknown fields and misc settings are opaque: any JSON value is valid there.
                yield return new TestCaseData(method, path, Splice(template, "7"u8)).SetArgDisplayNames(method, path, "a number", field);
            }
        }
    }

    /// <summary>A wrong type in every field that is not a string, and invalid shapes.</summary>
    private static IEnumerable<TestCaseData> OtherFields()
    {
        (string Method, string Path, string? Body)[] cases =
        [
            ("POST", "/api/profiles/x", """{"llm":"not an object"}"""),
            ("POST", "/api/profiles/x", """{"llm":[1]}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o"},"include_secrets":"yes"}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","temperature":"hot"}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","temperature":-1}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","top_p":2}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","num_retries":"many"}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","num_retries":-3}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","max_output_tokens":0}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","stream":"yes"}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","extra_headers":["a"]}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","extra_headers":{"X-Team":5}}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o","api_key":"gAAAAAbroken-token"}}"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o"}} trailing"""),
            ("POST", "/api/profiles/x", """{"llm":{"model":"openai/gpt-4o"}"""),
            ("POST", "/api/profiles/x", "[]"),
            ("POST", "/api/profiles/x", "null"),
            ("POST", "/api/profiles/x", "\"text\""),
            ("POST", "/api/profiles/x", ""),
            ("POST", "/api/profiles/x", "{}"),
            ("POST", "/api/profiles/" + new string('a', 65), """{"llm":{"model":"openai/gpt-4o"}}"""),
            ("POST", "/api/profiles/%FFx", """{"llm":{"model":"openai/gpt-4o"}}"""),
            ("POST", "/api/profiles/x/validate", """{"llm":5}"""),
            ("POST", "/api/profiles/x/validate", "{}"),
            ("POST", "/api/profiles/fast/rename", """{"new_name":null}"""),
            ("POST", "/api/profiles/fast/rename", """{"new_name":["b"]}"""),
            ("POST", "/api/profiles/fast/rename", "{}"),
            ("POST", "/api/profiles/ghost/rename", """{"new_name":"other"}"""),
            ("POST", "/api/profiles/fast/rename", """{"new_name":"../evil"}"""),
            ("POST", "/api/profiles/ghost/activate", null),
            ("POST", "/api/profiles/.hidden/activate", null),
            ("DELETE", "/api/profiles/..%2Fsettings", null),
            ("PATCH", "/api/settings", "{}"),
            ("PATCH", "/api/settings", """{"agent_settings_diff":[1]}"""),
            ("PATCH", "/api/settings", """{"agent_settings_diff":"x"}"""),
            ("PATCH", "/api/settings", """{"conversation_settings_diff":7}"""),
            ("PATCH", "/api/settings", """{"misc_settings_diff":true}"""),
            ("PATCH", "/api/settings", """{"active_profile":7}"""),
            ("PATCH", "/api/settings", """{"active_profile":"ghost"}"""),
            ("PATCH", "/api/settings", """{"active_agent_profile_id":5}"""),
            ("PATCH", "/api/settings", """{"agent_settings_diff":{"llm":"gpt"}}"""),
            ("PATCH", "/api/settings", """{"agent_settings_diff":{"llm":{"temperature":"hot"}}}"""),
            ("PATCH", "/api/settings", """{"agent_settings_diff":{"llm":{"model":"openai/gpt-new"}},"conversation_settings_diff":{"max_iterations":"many"}}"""),
            ("PATCH", "/api/settings", """{"agent_settings_diff":{"llm":{"model":"openai/gpt-new"}},"active_profile":"ghost"}"""),
            ("PATCH", "/api/settings", """{"agent_settings_diff":{"llm":{"model":"openai/gpt-new"}},"active_agent_profile_id":"nope"}"""),
            ("PATCH", "/api/settings", """{"conversation_settings_diff":{"max_iterations":0}}"""),
            ("PATCH", "/api/settings", """{"agent_settings_diff":{"tool_concurrency_limit":"x"}}"""),
            ("PATCH", "/api/settings", """{"agent_settings_diff":{"tools":[{"no_name":1}]}}"""),
            ("POST", "/api/conversations", """{"llm_profile":3}"""),
            ("POST", "/api/conversations", """{"llm_profile":"bad name"}"""),
            ("POST", "/api/conversations", """{"llm_profile":"ghost"}"""),
            ("POST", "/api/conversations", """{"agent":"x"}"""),
            ("POST", "/api/conversations", """{"agent":{"llm":5}}"""),
            ("POST", "/api/conversations", """{"agent":{"llm":{"model":"openai/gpt-4o","api_key":"sk-test-inline-2"}},"max_iterations":0}"""),
            ("POST", "/api/conversations", """{"agent":{"llm":{"model":"openai/gpt-4o","api_key":"sk-test-inline-3"}},"max_iterations":"many"}"""),
            ("POST", "/api/conversations", """{"agent":{"llm":{"model":"openai/gpt-4o","api_key":"sk-test-inline-4"}},"initial_message":{"content":"text"}}"""),
            ("POST", "/api/conversations", """{"agent":{"llm":{"model":"openai/gpt-4o","api_key":"sk-test-inline-5"},"tools":[{"name":"no_such_tool"}]}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","agent":{"tools":"terminal"}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","agent":{"tools":[5]}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","agent":{"tools":[{"name":"terminal","params":7}]}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","max_iterations":-5}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","max_iterations":1.5}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","workspace":"here"}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","workspace":{"working_dir":5}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","workspace":{"working_dir":""}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","initial_message":"hello"}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","initial_message":{"content":[]}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","initial_message":{"content":[{"type":"text","text":"hi"}],"run":"yes"}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","initial_message":{"role":"assistant","content":[{"type":"text","text":"hi"}]}}"""),
            ("POST", "/api/conversations", """{"llm_profile":"fast","initial_message":{"content":[{"type":"text","text":7}]}}"""),
            ("POST", "/api/conversations", """{"conversation_id":"nope","llm_profile":"fast"}"""),
            ("POST", "/api/conversations", """{"conversation_id":5}"""),
            ("PATCH", C, """{"title":""}"""),
            ("PATCH", C, """{"title":"New","tags":{"k":1}}"""),
            ("PATCH", C, """{"tags":["a"]}"""),
            ("PATCH", C, """{"title":["a"]}"""),
            ("PATCH", C, "not json"),
            ("PATCH", "/api/conversations/not-a-uuid", """{"title":"x"}"""),
            ("POST", C + "/switch_profile", """{"profile_name":"ghost"}"""),
            ("POST", C + "/switch_profile", """{"profile_name":"../x"}"""),
            ("POST", C + "/switch_profile", "{}"),
            ("POST", C + "/switch_llm", """{"llm":"gpt"}"""),
            ("POST", C + "/switch_llm", """{"llm":{"model":"openai/gpt-4o","temperature":"hot"}}"""),
            ("POST", C + "/switch_llm", "{}"),
            ("POST", C + "/events", "{}"),
            ("POST", C + "/events", """{"content":"text"}"""),
            ("POST", C + "/events", """{"content":[]}"""),
            ("POST", C + "/events", """{"content":[{"type":"text","text":"hi"}],"run":"yes"}"""),
            ("POST", C + "/events", """{"role":"assistant","content":[{"type":"text","text":"hi"}]}"""),
            ("POST", C + "/events", """{"content":[7]}"""),
            ("POST", C + "/events", "[]"),
            ("POST", "/api/conversations/" + Guid.Empty + "/events", """{"content":[{"type":"text","text":"hi"}]}"""),
            ("POST", "/api/conversations/not-a-uuid/run", null),
            ("POST", "/api/conversations/" + Guid.Empty + "/run", null),
            ("POST", "/api/conversations/" + Guid.Empty + "/pause", null),
            ("DELETE", "/api/conversations/" + Guid.Empty, null),
            ("DELETE", "/api/conversations/not-a-uuid", null),
            ("GET", "/api/conversations/not-a-uuid", null),
            ("GET", "/api/conversations/search?limit=0", null),
            ("GET", "/api/conversations/search?limit=101", null),
            ("GET", "/api/conversations/search?limit=abc", null),
            ("GET", "/api/conversations/search?page_id=abc", null),
            ("GET", "/api/conversations/search?page_id=-1", null),
            ("GET", "/api/conversations/search?sort_order=SIDEWAYS", null),
            ("GET", "/api/conversations", null),
            ("GET", "/api/conversations?ids=zzz", null),
            ("GET", C + "/events/search?limit=0", null),
            ("GET", C + "/events/search?timestamp__gte=soon", null),
            ("GET", C + "/events/count?timestamp__lt=later", null),
            ("GET", C + "/events/no-such-event", null),
            ("GET", "/api/nothing/here", null),
            ("PUT", "/api/settings/secrets", "{}"),
            ("PUT", "/api/settings/secrets", """{"name":"1bad","value":"v"}"""),
            ("PUT", "/api/settings/secrets", """{"name":"KEPT"}"""),
            ("PUT", "/api/settings/secrets", "[]"),
            ("GET", "/api/settings/secrets/..%2Fsettings", null),
            ("GET", "/api/settings/secrets/GHOST", null),
            ("DELETE", "/api/settings/secrets/GHOST", null),
            ("DELETE", "/api/settings/secrets/9lives", null),
            ("GET", "/api/llm/nothing", null),
            ("POST", "/v1/chat/completions", "{}"),
            ("POST", "/v1/chat/completions", "not json"),
            ("POST", "/v1/chat/completions", """{"model":"openhands_fast","messages":[]}"""),
            ("POST", "/v1/chat/completions", """{"model":"openhands_fast","messages":"hi"}"""),
            ("POST", "/v1/chat/completions", """{"model":"openhands_fast","messages":[{"role":"system","content":"only"}]}"""),
            ("POST", "/v1/chat/completions", """{"model":"openhands_ghost","messages":[{"role":"user","content":"hi"}]}"""),
            ("POST", "/v1/chat/completions", """{"model":"openhands_fast","messages":[{"role":"user","content":"hi"}],"stream":"yes"}"""),
            ("POST", "/v1/chat/completions", """{"model":"openhands_fast","messages":[{"role":"user","content":"hi"}],"stream_options":7}"""),
            ("POST", "/v1/nothing", "{}"),
            ("PUT", "/api/profiles/x", "{}"),
        ];
        foreach (var (method, path, body) in cases)
        {
            yield return new TestCaseData(method, path, body is null ? null : Encoding.UTF8.GetBytes(body)).SetArgDisplayNames(method, path, body ?? "(no body)");
        }
    }

    private static byte[] Splice(string template, ReadOnlySpan<byte> value)
    {
        var quoted = template.Contains("\"@\"", StringComparison.Ordinal) ? "\"@\"" : "@";
        var at = template.IndexOf(quoted, StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(template[..at]), .. value, .. Encoding.UTF8.GetBytes(template[(at + quoted.Length)..])];
    }

    [OneTimeSetUp]
    public async Task StartSeededServerAsync()
    {
        _dir = TempDirectory.Create();
        _logs = new CollectingLoggerProvider();
        _host = await AgentServerHost.StartAsync(_dir.Path, services: s => s.AddSingleton<ILoggerProvider>(_logs));
        _client = new TestClient(_host.BaseAddress);
        (await _client.SendAsync("POST", "/api/profiles/fast", Encoding.UTF8.GetBytes($$$"""{"llm":{"model":"openai/gpt-4o","api_key":"{{{Key}}}"}}""")))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        (await _client.SendAsync("POST", "/api/profiles/fast/activate", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _client.SendAsync("PATCH", "/api/settings", Encoding.UTF8.GetBytes("""{"misc_settings_diff":{"theme":"dark"}}"""))).StatusCode.Should().Be(HttpStatusCode.OK);
        var started = await _client.SendAsync("POST", "/api/conversations", Encoding.UTF8.GetBytes($$"""{"conversation_id":"{{Conversation}}","llm_profile":"fast"}"""));
        started.StatusCode.Should().Be(HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        (await _client.SendAsync("PATCH", C, Encoding.UTF8.GetBytes("""{"title":"Kept","tags":{"team":"core"}}"""))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _client.SendAsync("PUT", "/api/settings/secrets", Encoding.UTF8.GetBytes("""{"name":"KEPT","value":"sk-test-kept-secret"}"""))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [OneTimeTearDown]
    public async Task StopServerAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Test]
    public void Table_HasAtLeast150Cases() => (StringFields().Count() + OtherFields().Count()).Should().BeGreaterThanOrEqualTo(150);

    [TestCaseSource(nameof(StringFields))]
    [TestCaseSource(nameof(OtherFields))]
    public async Task Request_Malformed_Returns4xxWithDetailAndChangesNothing(string method, string path, byte[]? body)
    {
        var before = Snapshot();

        var response = await _client.SendAsync(method, path, body);

        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().BeInRange(400, 499, text);
        var json = JsonNode.Parse(text)!;
        var detail = path.StartsWith("/v1", StringComparison.Ordinal) ? json["error"]?["message"] : json["detail"];   // /v1 answers in OpenAI's shape
        detail.Should().NotBeNull(text);
        detail!.ToJsonString().Length.Should().BeGreaterThan(4);
        text.Should().NotContain(Key);
        Snapshot().Should().Equal(before, "a rejected request changes nothing on disk");
        _logs.Lines.Where(l => l.StartsWith("[Error]", StringComparison.Ordinal) || l.StartsWith("[Critical]", StringComparison.Ordinal)).Should().BeEmpty();
    }

    [TestCase("text/plain", "{\"llm\":{\"model\":5}}")]
    [TestCase(null, "{\"llm\":{\"model\":5}}")]
    [TestCase(null, "")]
    [TestCase("application/x-www-form-urlencoded", "llm=x")]
    public async Task Request_AnyContentType_IsReadByTheSameBinder(string? contentType, string body)
    {
        var before = Snapshot();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_host.BaseAddress, "api/profiles/x"));
        if (contentType is not null || body.Length > 0)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = contentType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var http = new HttpClient();
        var response = await http.SendAsync(request);

        ((int)response.StatusCode).Should().Be(422, await response.Content.ReadAsStringAsync());
        Snapshot().Should().Equal(before);
    }

    [TestCase("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\\ud800\"}]}")]
    [TestCase("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\\u0000b\"}]}")]
    [TestCase("{\"role\":\"\\udfff\",\"content\":[]}")]
    [TestCase("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":5}]}")]
    [TestCase("{\"type\":7}")]
    [TestCase("null")]
    [TestCase("\"just text\"")]
    public async Task SocketFrame_Malformed_AnswersServerErrorStaysOpenAndChangesNothing(string frame)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(_host.BaseAddress.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + $"sockets/events/{Conversation}"), CancellationToken.None);
        (await ReceiveAsync(socket))!["key"]!.GetValue<string>().Should().Be("full_state");
        var before = Snapshot();

        await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var error = await ReceiveAsync(socket);

        error!["kind"]!.GetValue<string>().Should().Be("ServerErrorEvent");
        error["code"]!.GetValue<string>().Should().Be("422");
        socket.State.Should().Be(WebSocketState.Open);
        Snapshot().Should().Equal(before);
        _logs.Lines.Where(l => l.StartsWith("[Error]", StringComparison.Ordinal) || l.StartsWith("[Critical]", StringComparison.Ordinal)).Should().BeEmpty();
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }

    private static async Task<JsonNode?> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[256 * 1024];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        return result.MessageType == WebSocketMessageType.Close ? null : JsonNode.Parse(buffer.AsSpan(0, result.Count));
    }

    /// <summary>Every file below the persistence folder (profiles, settings, conversations) and its bytes.</summary>
    private Dictionary<string, string> Snapshot() =>
        Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetRelativePath(_dir.Path, f), f => Convert.ToBase64String(File.ReadAllBytes(f)), StringComparer.Ordinal);

    /// <summary>Sends raw bytes (so invalid UTF-8 reaches the server as it is).</summary>
    private sealed class TestClient(Uri baseAddress) : IDisposable
    {
        private readonly HttpClient _http = new() { BaseAddress = baseAddress };

        public Task<HttpResponseMessage> SendAsync(string method, string path, byte[]? body)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }

            return _http.SendAsync(request);
        }

        public void Dispose() => _http.Dispose();
    }
}
