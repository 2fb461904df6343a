using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Llms;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Llms.Clients;

/// <summary>
/// The retry policy of the Python SDK, through Polly: NumRetries is the total number of attempts, waits are clamped
/// exponentials (read from the fake clock, so no test waits), Retry-After is a lower bound, and only transient
/// failures are retried.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Llm")]
public sealed class RetryTests
{
    private const string ServerError = """{"error":{"message":"upstream failed","type":"server_error"}}""";

    [TestCase(429)]
    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    [TestCase(504)]
    [TestCase(408)]
    public async Task GetResponseAsync_TransientStatusThenSuccess_RetriesOnce(int status)
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Error(status, ServerError), FakeReply.Text("recovered"));

        var response = await h.AskAsync(h.Llm() with { NumRetries = 3 });

        response.Text.Should().Be("recovered");
        h.Server.Requests.Should().HaveCount(2);
    }

    [TestCase(0, 1)]
    [TestCase(1, 1)]
    [TestCase(2, 2)]
    [TestCase(5, 5)]
    public async Task GetResponseAsync_AlwaysUnavailable_MakesExactlyNumRetriesAttempts(int numRetries, int attempts)
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Responder = _ => FakeReply.Error(503, ServerError);

        var act = () => h.AskAsync(h.Llm() with { NumRetries = numRetries });

        var ex = (await act.Should().ThrowAsync<LlmServiceUnavailableException>()).Which;
        ex.StatusCode.Should().Be(503);
        ex.Model.Should().Be("openai/gpt-4o");
        ex.Message.Should().Contain("HTTP 503").And.Contain("upstream failed");
        h.Server.Requests.Should().HaveCount(attempts);
    }

    [Test]
    public async Task GetResponseAsync_PythonDefaultWaits_AreEightSixteenThirtyTwoSixtyFourCapped()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Responder = _ => FakeReply.Error(500, ServerError);
        var llm = h.Llm() with { NumRetries = 6, RetryMultiplier = 8, RetryMinWait = 8, RetryMaxWait = 64 };

        await FluentActions.Awaiting(() => h.AskAsync(llm)).Should().ThrowAsync<LlmServiceUnavailableException>();

        h.Time.RequestedDelays.Select(d => d.TotalSeconds).Should().Equal(8, 16, 32, 64, 64);
        h.Server.Requests.Should().HaveCount(6);
    }

    [Test]
    public async Task GetResponseAsync_SmallMultiplier_IsRaisedToMinimumAndCappedAtMaximum()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Responder = _ => FakeReply.Error(502, ServerError);
        var llm = h.Llm() with { NumRetries = 5, RetryMultiplier = 1, RetryMinWait = 2, RetryMaxWait = 5 };

        await FluentActions.Awaiting(() => h.AskAsync(llm)).Should().ThrowAsync<LlmServiceUnavailableException>();

        h.Time.RequestedDelays.Select(d => d.TotalSeconds).Should().Equal(2, 2, 4, 5);
    }

    [Test]
    public async Task GetResponseAsync_RetryAfterLongerThanBackoff_WaitsAtLeastRetryAfter()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(
            FakeReply.Error(429, """{"error":{"message":"Rate limit reached"}}""", retryAfter: TimeSpan.FromSeconds(30)),
            FakeReply.Error(429, """{"error":{"message":"Rate limit reached"}}""", retryAfter: TimeSpan.FromSeconds(1)),
            FakeReply.Text("ok"));
        var llm = h.Llm() with { NumRetries = 3, RetryMultiplier = 4, RetryMinWait = 4, RetryMaxWait = 10 };

        await h.AskAsync(llm);

        h.Time.RequestedDelays.Select(d => d.TotalSeconds).Should().Equal(30, 8);
    }

    [Test]
    public async Task GetResponseAsync_RateLimitedEveryTime_ThrowsRateLimitWithRetryAfter()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Responder = _ => FakeReply.Error(429, """{"error":{"message":"slow down"}}""", retryAfter: TimeSpan.FromSeconds(7));

        var act = () => h.AskAsync(h.Llm() with { NumRetries = 2 });

        var ex = (await act.Should().ThrowAsync<LlmRateLimitException>()).Which;
        ex.RetryAfter.Should().Be(TimeSpan.FromSeconds(7));
        ex.StatusCode.Should().Be(429);
        h.Server.Requests.Should().HaveCount(2);
    }

    [TestCase(400, typeof(LlmBadRequestException))]
    [TestCase(401, typeof(LlmAuthenticationException))]
    [TestCase(403, typeof(LlmAuthenticationException))]
    [TestCase(404, typeof(LlmBadRequestException))]
    [TestCase(422, typeof(LlmBadRequestException))]
    [TestCase(501, typeof(LlmServiceUnavailableException))]
    public async Task GetResponseAsync_NonTransientStatus_FailsOnFirstAttempt(int status, Type expected)
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Responder = _ => FakeReply.Error(status, """{"error":{"message":"nope"}}""");

        var act = () => h.AskAsync(h.Llm() with { NumRetries = 5 });

        var ex = (await act.Should().ThrowAsync<LlmException>()).Which;
        ex.Should().BeOfType(expected);
        ex.StatusCode.Should().Be(status);
        h.Server.Requests.Should().ContainSingle();
        h.Time.RequestedDelays.Should().BeEmpty();
    }

    [Test]
    public async Task GetResponseAsync_ConnectionRefused_RetriesThenServiceUnavailable()
    {
        await using var h = await LlmClientHarness.StartAsync();
        var llm = h.Llm() with { BaseUrl = $"http://127.0.0.1:{ClosedPort()}/v1", NumRetries = 3, RetryMultiplier = 1, RetryMinWait = 1, RetryMaxWait = 10 };

        var act = () => h.AskAsync(llm);

        var ex = (await act.Should().ThrowAsync<LlmServiceUnavailableException>()).Which;
        ex.StatusCode.Should().BeNull();
        ex.Message.Should().Contain("127.0.0.1").And.Contain("openai/gpt-4o");
        ex.InnerException.Should().BeOfType<HttpRequestException>();
        h.Time.RequestedDelays.Select(d => d.TotalSeconds).Should().Equal(1, 2);
    }

    [Test]
    public async Task GetResponseAsync_DroppedConnectionThenSuccess_MakesTwoCalls()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Drop(), FakeReply.Text("second time lucky"));

        var response = await h.AskAsync(h.Llm() with { NumRetries = 2 });

        response.Text.Should().Be("second time lucky");
        h.Server.Requests.Should().HaveCount(2);
    }

    [Test]
    public async Task GetResponseAsync_DroppedConnectionEveryTime_ThrowsServiceUnavailableAfterAllAttempts()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Responder = _ => FakeReply.Drop();

        var act = () => h.AskAsync(h.Llm() with { NumRetries = 2 });

        (await act.Should().ThrowAsync<LlmServiceUnavailableException>()).Which.StatusCode.Should().BeNull();
        h.Server.Requests.Should().HaveCount(2);
    }

    [Test]
    public async Task GetResponseAsync_EmptyThenText_RetriesAndReturnsText()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Empty(), FakeReply.Text(string.Empty), FakeReply.Text("finally"));

        var response = await h.AskAsync(h.Llm() with { NumRetries = 3 });

        response.Text.Should().Be("finally");
        h.Server.Requests.Should().HaveCount(3);
    }

    [Test]
    public async Task GetResponseAsync_AlwaysEmpty_ThrowsNoResponseAfterNumRetriesCalls()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Responder = _ => FakeReply.Empty();

        var act = () => h.AskAsync(h.Llm() with { NumRetries = 4 });

        (await act.Should().ThrowAsync<LlmNoResponseException>()).Which.Message.Should().Contain("no choices");
        h.Server.Requests.Should().HaveCount(4);
    }

    [Test]
    public async Task GetResponseAsync_EmptyAtTemperatureZero_RetriesAtTemperatureOne()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Empty(), FakeReply.Text("ok"));

        await h.AskAsync(h.Llm() with { NumRetries = 2, Temperature = 0 });

        h.Body(1).GetProperty("temperature").GetDouble().Should().Be(0);
        h.Body(2).GetProperty("temperature").GetDouble().Should().Be(1.0);
    }

    [Test]
    public async Task GetResponseAsync_BodyNotJson_IsRetriedAsNoResponse()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Raw(200, "<html>gateway</html>"), FakeReply.Text("ok"));

        var response = await h.AskAsync(h.Llm() with { NumRetries = 2 });

        response.Text.Should().Be("ok");
    }

    [Test]
    public async Task GetResponseAsync_AttemptTimesOut_RetriesThenThrowsTimeout()
    {
        await using var h = await LlmClientHarness.StartAsync(manualClock: true);
        h.Server.Enqueue(FakeReply.Delay(TimeSpan.FromMinutes(1), FakeReply.Text("late")), FakeReply.Delay(TimeSpan.FromMinutes(1), FakeReply.Text("late")));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var call = h.AskAsync(h.Llm() with { NumRetries = 2, Timeout = 5 });
        await h.Server.WaitForRequestsAsync(1, cts.Token);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Server.WaitForRequestsAsync(2, cts.Token);
        h.Time.Advance(TimeSpan.FromSeconds(5));

        var ex = (await FluentActions.Awaiting(() => call).Should().ThrowAsync<LlmTimeoutException>()).Which;
        ex.Timeout.Should().Be(TimeSpan.FromSeconds(5));
        ex.Message.Should().Contain("5 s (Llm.Timeout)").And.Contain("2 attempts");
        h.Server.Requests.Should().HaveCount(2);
    }

    [Test]
    public async Task GetResponseAsync_FirstAttemptTimesOut_SecondSucceeds()
    {
        await using var h = await LlmClientHarness.StartAsync(manualClock: true);
        h.Server.Enqueue(FakeReply.Delay(TimeSpan.FromMinutes(1), FakeReply.Text("late")), FakeReply.Text("on time"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var call = h.AskAsync(h.Llm() with { NumRetries = 2, Timeout = 10 });
        await h.Server.WaitForRequestsAsync(1, cts.Token);
        h.Time.Advance(TimeSpan.FromSeconds(10));

        (await call).Text.Should().Be("on time");
    }

    [Test]
    public async Task GetResponseAsync_HttpClientTimeoutElapses_ThrowsTimeoutNamingIt()
    {
        await using var h = await LlmClientHarness.StartAsync(httpTimeout: TimeSpan.FromMilliseconds(200));
        h.Server.Enqueue(FakeReply.Delay(TimeSpan.FromSeconds(20), FakeReply.Text("late")));

        var act = () => h.AskAsync(h.Llm());

        (await act.Should().ThrowAsync<LlmTimeoutException>()).Which.Message.Should().Contain("HttpClient.Timeout");
    }

    [Test]
    public async Task GetResponseAsync_CallerCancels_StopsWithoutRetrying()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Responder = _ => FakeReply.Delay(TimeSpan.FromSeconds(20), FakeReply.Text("late"));
        using var cts = new CancellationTokenSource();

        var call = h.Client(h.Llm() with { NumRetries = 5 }).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: cts.Token);
        await h.Server.WaitForRequestsAsync(1);
        await cts.CancelAsync();

        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
        h.Server.Requests.Should().ContainSingle();
    }

    [Test]
    public async Task GetResponseAsync_Retrying_LogsEachRetryWithAttemptAndDelay()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Error(503, ServerError), FakeReply.Error(503, ServerError), FakeReply.Text("ok"));

        await h.AskAsync(h.Llm() with { NumRetries = 3, RetryMultiplier = 2, RetryMinWait = 1, RetryMaxWait = 60 });

        var retries = h.Logs.Lines.Where(l => l.Contains("Retrying", StringComparison.Ordinal)).ToList();
        retries.Should().HaveCount(2);
        retries[0].Should().Contain("attempt 1 of 3").And.Contain("HTTP 503").And.Contain("Retrying in 2 s");
        retries[1].Should().Contain("attempt 2 of 3").And.Contain("Retrying in 4 s");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
