using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Workspace;

/// <summary><c>/api/bash</c> and <c>/sockets/bash-events</c> on the real server: real processes in the workspace root.</summary>
[Category("AgentServer")]
public sealed class BashEndpointsTests : ServerTestBase
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private string Workspace => Path.Combine(Server.PersistenceDirectory, "workspace");

    private async Task<JsonNode> ExecuteAsync(object body)
    {
        var response = await Server.PostAsync("/api/bash/execute_bash_command", ResponseExtensions.Json(body));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    [Test]
    public async Task Execute_ACommand_RunsInTheWorkspaceRootWithStdoutStderrAndExitCodeApart()
    {
        var output = await ExecuteAsync(new { command = "pwd; echo to-stderr >&2; exit 3" });

        output["kind"]!.GetValue<string>().Should().Be("BashOutput");
        output["exit_code"]!.GetValue<int>().Should().Be(3);
        output["stdout"]!.GetValue<string>().Trim().Should().Be(Workspace);
        output["stderr"]!.GetValue<string>().Trim().Should().Be("to-stderr");
        output["command_id"]!.GetValue<string>().Should().NotBeNullOrEmpty();
    }

    [Test]
    public async Task Execute_ACwdInsideTheWorkspace_RunsThere_AndOneOutsideIsRefusedBeforeAnythingRuns()
    {
        Directory.CreateDirectory(Path.Combine(Workspace, "sub"));

        (await ExecuteAsync(new { command = "pwd", cwd = "sub" }))["stdout"]!.GetValue<string>().Trim().Should().Be(Path.Combine(Workspace, "sub"));
        (await ExecuteAsync(new { command = "pwd", cwd = Path.Combine(Workspace, "sub") }))["exit_code"]!.GetValue<int>().Should().Be(0);
        foreach (var cwd in new[] { "/", "..", "/etc", "sub/../..", "missing-folder" })
        {
            var refused = await Server.PostAsync("/api/bash/execute_bash_command", ResponseExtensions.Json(new { command = "touch escaped", cwd }));
            refused.StatusCode.Should().Be(HttpStatusCode.BadRequest, cwd);
        }

        var events = await (await Server.GetAsync("/api/bash/bash_events/search?kind__eq=BashCommand")).JsonAsync();
        events["items"]!.AsArray().Should().HaveCount(2, "a refused command is not recorded");
        File.Exists("/escaped").Should().BeFalse();
    }

    [Test]
    public async Task Execute_BadBodies_AreFastApi422s()
    {
        foreach (var body in new[] { "{}", "{\"command\": 5}", "{\"command\":\"true\",\"timeout\":0}", "{\"command\":\"true\",\"timeout\":99999999}", "[1]", "not json" })
        {
            var response = await Server.PostAsync("/api/bash/execute_bash_command", body);
            response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, body);
            (await response.JsonAsync())["detail"]!.AsArray().Should().NotBeEmpty(body);
        }
    }

    [Test]
    public async Task Execute_ACommandThatOutlivesItsTimeout_IsKilledWithItsChildren_NoProcessLeftBehind()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Reads /proc.");
        }

        // The child is a background job of the shell: killing the shell alone would leave it running for 3017 s.
        var output = await ExecuteAsync(new { command = "sleep 3017 & echo child=$!; sleep 3017", timeout = 1 });

        output["exit_code"]!.GetValue<int>().Should().Be(-1, "a timed-out command reports -1, as the Python server");
        var pid = int.Parse(output["stdout"]!.GetValue<string>().Trim().Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow + Patience;
        while ((Alive(pid) || SleepersLeft()) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Alive(pid).Should().BeFalse("the background child died with its process group");
        SleepersLeft().Should().BeFalse("no 'sleep 3017' is left anywhere");

        static bool Alive(int pid) =>
            File.Exists($"/proc/{pid}/status") && !File.ReadAllText($"/proc/{pid}/status").Contains("State:\tZ", StringComparison.Ordinal);

        static bool SleepersLeft() => Directory.EnumerateDirectories("/proc").Any(d =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' ').Trim() == "sleep 3017";
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        });
    }

    [Test]
    public async Task Execute_TheServersKeys_AreNotInTheCommandsEnvironment()
    {
        var output = await ExecuteAsync(new { command = "env" });

        output["stdout"]!.GetValue<string>().Should().NotContain("SESSION_API_KEY").And.NotContain("OH_SECRET_KEY");
    }

    [Test]
    public async Task Execute_HugeOutput_IsBoundedWithAMarker()
    {
        var output = await ExecuteAsync(new { command = "head -c 3000000 /dev/zero | tr '\\0' a" });

        var stdout = output["stdout"]!.GetValue<string>();
        stdout.Length.Should().BeLessThan(1024 * 1024 + 200);
        stdout.Should().StartWith("aaaa").And.EndWith("aaaa");
        output["exit_code"]!.GetValue<int>().Should().Be(0);
    }

    [Test]
    public async Task StartSearchGetBatchAndClear_FollowThePythonShapes()
    {
        var start = await Server.PostAsync("/api/bash/start_bash_command", ResponseExtensions.Json(new { command = "echo started" }));
        start.StatusCode.Should().Be(HttpStatusCode.OK);
        var command = await start.JsonAsync();
        command["kind"]!.GetValue<string>().Should().Be("BashCommand");
        command["timeout"]!.GetValue<int>().Should().Be(300);
        var commandId = command["id"]!.GetValue<string>();

        JsonArray outputs = [];
        var deadline = DateTime.UtcNow + Patience;
        while (outputs.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            outputs = (await (await Server.GetAsync($"/api/bash/bash_events/search?command_id__eq={commandId}")).JsonAsync())["items"]!.AsArray();
        }

        outputs.Should().ContainSingle();
        outputs[0]!["stdout"]!.GetValue<string>().Should().Be("started\n");
        var outputId = outputs[0]!["id"]!.GetValue<string>();

        (await (await Server.GetAsync($"/api/bash/bash_events/{commandId}")).JsonAsync())["command"]!.GetValue<string>().Should().Be("echo started");
        (await Server.GetAsync($"/api/bash/bash_events/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var all = await (await Server.GetAsync("/api/bash/bash_events/search?sort_order=TIMESTAMP_DESC&limit=1")).JsonAsync();
        all["items"]!.AsArray().Single()!["id"]!.GetValue<string>().Should().Be(outputId, "newest first");
        all["next_page_id"].Should().NotBeNull();

        var batch = await Server.SendAsync(HttpMethod.Get, "/api/bash/bash_events/", ResponseExtensions.Json(new[] { commandId, Guid.NewGuid().ToString() }));
        var items = (await batch.JsonAsync()).AsArray();
        items.Should().HaveCount(2);
        items[0]!["id"]!.GetValue<string>().Should().Be(commandId);
        items[1].Should().BeNull();

        (await (await Server.DeleteAsync("/api/bash/bash_events")).JsonAsync())["cleared_count"]!.GetValue<int>().Should().Be(2);
        (await (await Server.GetAsync("/api/bash/bash_events/search")).JsonAsync())["items"]!.AsArray().Should().BeEmpty();
        (await Server.GetAsync("/api/bash/bash_events/search?limit=0")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Server.GetAsync("/api/bash/bash_events/search?kind__eq=Other")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }

    [Test]
    public async Task Socket_PushesEvents_RunsFrameCommands_AndAnswersABadFrameWithABashError()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(Server.BaseUrl.Replace("http", "ws", StringComparison.Ordinal) + "/sockets/bash-events"), CancellationToken.None);

        await SendAsync(socket, "{\"command\": 7}");
        (await ReceiveAsync(socket))["kind"]!.GetValue<string>().Should().Be("BashError");
        await SendAsync(socket, ResponseExtensions.Json(new { command = "echo from-socket" }));

        (await ReceiveAsync(socket))["kind"]!.GetValue<string>().Should().Be("BashCommand");
        var output = await ReceiveAsync(socket);
        output["kind"]!.GetValue<string>().Should().Be("BashOutput");
        output["stdout"]!.GetValue<string>().Should().Be("from-socket\n");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        using var resend = new ClientWebSocket();
        await resend.ConnectAsync(new Uri(Server.BaseUrl.Replace("http", "ws", StringComparison.Ordinal) + "/sockets/bash-events?resend_mode=all"), CancellationToken.None);
        (await ReceiveAsync(resend))["kind"]!.GetValue<string>().Should().Be("BashCommand", "stored events come first");
    }

    private static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    internal static async Task<JsonNode> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[1 << 20];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"closed: {result.CloseStatus} {result.CloseStatusDescription}");
            }

            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonNode.Parse(message.ToArray())!;
    }
}

/// <summary>The bash websocket uses the server's one scheme: without a key it is closed with 4001.</summary>
[Category("AgentServer")]
public sealed class BashSocketAuthenticationTests : ServerTestBase
{
    private const string Key = "sk-test-bash-socket-1";

    protected override void Configure(AgentServerOptions options)
    {
        options.SessionApiKeys.Add(Key);
        options.SocketAuthTimeout = TimeSpan.FromMilliseconds(300);
    }

    [Test]
    public async Task Socket_NoOrWrongKey_Is4001_TheKeyInTheHeaderIsAccepted_AndTheRoutesAre401WithoutIt()
    {
        var url = new Uri(Server.BaseUrl.Replace("http", "ws", StringComparison.Ordinal) + "/sockets/bash-events");
        foreach (var key in new[] { null, "wrong" })
        {
            using var refused = new ClientWebSocket();
            if (key is not null)
            {
                refused.Options.SetRequestHeader("X-Session-API-Key", key);
            }

            await refused.ConnectAsync(url, CancellationToken.None);
            var act = () => BashEndpointsTests.ReceiveAsync(refused);
            (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("4001");
        }

        using var accepted = new ClientWebSocket();
        accepted.Options.SetRequestHeader("X-Session-API-Key", Key);
        await accepted.ConnectAsync(url, CancellationToken.None);
        await accepted.SendAsync(Encoding.UTF8.GetBytes("{\"command\":\"echo ok\"}"), WebSocketMessageType.Text, true, CancellationToken.None);
        (await BashEndpointsTests.ReceiveAsync(accepted))["kind"]!.GetValue<string>().Should().Be("BashCommand");

        (await Server.PostAsync("/api/bash/execute_bash_command", "{\"command\":\"true\"}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Server.GetAsync("/api/file/download?path=a")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Server.GetAsync("/api/git/changes?path=.")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
