using OpenHands.Remote.Tests.Support;
using OpenHands.Samples.Automation;

namespace OpenHands.Remote.Tests.Samples;

/// <summary>
/// The Automation sample's run, called in-process against the real server and the fake LLM: the printed answer, the exit
/// codes, and that its requests name a profile and never carry an LLM key.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Samples")]
public sealed class AutomationSampleTests : RemoteTestBase
{
    private const string StoredKey = "sk-test-automation";

    [SetUp]
    public async Task SetUpProfileAsync()
    {
        await StartFakeLlmAsync();
        await Workspace.Profiles.SaveAsync("ci-model", FakeLlmConfig(ModelA, StoredKey));
    }

    [Test]
    public async Task Run_ProfileOnServer_PrintsTheFinalAnswerAndExitsZeroWithoutSendingAKey()
    {
        FakeLlm.Enqueue(
            FakeReply.ToolCall("think", """{"thought": "reading the task"}"""),
            FakeReply.ToolCall("finish", """{"message": "All 12 tests pass."}"""));

        var (code, stdout, stderr, requests) = await RunSampleAsync(Settings("ci-model"), "Check the tests");

        code.Should().Be(AutomationRun.Succeeded, stderr);
        stdout.Trim().Should().Be("All 12 tests pass.");
        stderr.Should().BeEmpty();
        requests.Should().Contain(r => r.Method == "POST" && r.Path == "/api/conversations" && r.Body.Contains("\"ci-model\"", StringComparison.Ordinal));
        requests.Should().NotContain(r => r.Path.StartsWith("/api/profiles", StringComparison.Ordinal) || r.Path.StartsWith("/api/llm-profiles", StringComparison.Ordinal),
            "the sample never reads or writes a profile, it only names one");
        requests.Should().OnlyContain(r => !r.Text.Contains("sk-test", StringComparison.Ordinal));
        FakeLlm.Requests.Should().HaveCount(2).And.OnlyContain(r => r.Header("Authorization") == $"Bearer {StoredKey}" && r.Model == "fake-model-a",
            "the only key the model sees is the server's stored one");
    }

    [Test]
    public async Task Run_LlmFails_ExitsOneWithOneLineOnStderr()
    {
        FakeLlm.Enqueue(FakeReply.Error(400, """{"error": {"message": "model says no", "type": "invalid_request_error"}}"""));

        var (code, stdout, stderr, _) = await RunSampleAsync(Settings("ci-model"), "Check the tests");

        code.Should().Be(AutomationRun.Failed);
        stdout.Should().BeEmpty();
        stderr.TrimEnd().Should().NotContain("\n").And.StartWith("error: the run failed").And.Contain("model says no");
    }

    [Test]
    public async Task Run_UnknownProfile_ExitsOneNamingTheProfile()
    {
        var (code, stdout, stderr, _) = await RunSampleAsync(Settings("no-such-model"), "Check the tests");

        code.Should().Be(AutomationRun.Failed);
        stdout.Should().BeEmpty();
        stderr.TrimEnd().Should().NotContain("\n").And.Contain("no LLM profile 'no-such-model'");
        FakeLlm.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task Run_ServerUnreachable_ExitsOne()
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var (code, _, stderr, _) = await RunSampleAsync(new AutomationSettings($"http://127.0.0.1:{port}", null, "ci-model"), "Check the tests");

        code.Should().Be(AutomationRun.Failed);
        stderr.TrimEnd().Should().NotContain("\n").And.StartWith("error: ");
    }

    [Test]
    public async Task Run_NoProfileNamed_ExitsTwoSayingWhichVariable()
    {
        var settings = AutomationSettings.FromEnvironment(name => name == "OH_AGENT_SERVER_URL" ? Server.BaseAddress.ToString() : null);

        var (code, _, stderr, requests) = await RunSampleAsync(settings, "Check the tests");

        code.Should().Be(AutomationRun.UsageError);
        stderr.Should().Contain("AUTOMATION_MODEL");
        requests.Should().BeEmpty();
    }

    private AutomationSettings Settings(string profile) => new(Server.BaseAddress.ToString(), null, profile);

    private static async Task<(int Code, string Stdout, string Stderr, IReadOnlyList<SentRequest> Requests)> RunSampleAsync(AutomationSettings settings, string task)
    {
        var recorder = new RecordingHandler { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(recorder) { Timeout = Timeout.InfiniteTimeSpan };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var code = await AutomationRun.RunAsync(settings, task, stdout, stderr, http, timeout.Token);
        return (code, stdout.ToString(), stderr.ToString(), recorder.Requests);
    }
}
