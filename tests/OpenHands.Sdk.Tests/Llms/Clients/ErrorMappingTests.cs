using System.Collections.Immutable;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Security;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Llms.Clients;

/// <summary>
/// Provider failures become typed exceptions whose messages help, and no message, log line or exception text ever
/// carries a key, even when the provider echoes it back.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Llm")]
public sealed class ErrorMappingTests
{
    [TestCase("""{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}""")]
    [TestCase("""{"error":{"message":"litellm.ContextWindowExceededError: input length and `max_tokens` exceed context limit"}}""")]
    [TestCase("""{"error":"Too many tokens, please reduce the length of the messages"}""")]
    public async Task GetResponseAsync_ContextTooLong_ThrowsContextWindowExceededWithoutRetry(string body)
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Responder = _ => FakeReply.Error(400, body);

        var act = () => h.AskAsync(h.Llm() with { NumRetries = 3 });

        var ex = (await act.Should().ThrowAsync<LlmContextWindowExceededException>()).Which;
        ex.StatusCode.Should().Be(400);
        ex.Model.Should().Be("openai/gpt-4o");
        ex.Message.Should().Contain("context window");
        h.Server.Requests.Should().ContainSingle();
    }

    [Test]
    public async Task GetResponseAsync_OtherBadRequest_ThrowsBadRequestWithProviderText()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Error(400, """{"error":{"message":"Invalid value for 'temperature': must be <= 2.","type":"invalid_request_error"}}"""));

        var act = () => h.AskAsync(h.Llm());

        (await act.Should().ThrowAsync<LlmBadRequestException>()).Which.Message
            .Should().Be("openai answered HTTP 400 for model 'openai/gpt-4o': Invalid value for 'temperature': must be <= 2.");
    }

    [Test]
    public async Task GetResponseAsync_Unauthorized_SaysToCheckTheKey()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Error(401, """{"error":{"message":"Incorrect API key provided."}}"""), FakeReply.Error(401, "denied"));

        var withKey = await FluentActions.Awaiting(() => h.AskAsync(h.Llm())).Should().ThrowAsync<LlmAuthenticationException>();
        var withoutKey = await FluentActions.Awaiting(() => h.AskAsync(h.Llm() with { ApiKey = null })).Should().ThrowAsync<LlmAuthenticationException>();

        withKey.Which.Message.Should().Contain("Incorrect API key provided").And.Contain("Llm.ApiKey: it is set but was refused");
        withoutKey.Which.Message.Should().Contain("denied").And.Contain("Llm.ApiKey: it is not set");
    }

    [Test]
    public async Task GetResponseAsync_LongPlainTextError_IsShortened()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Error(502, "<html>" + new string('x', 5000) + "</html>"));

        var ex = (await FluentActions.Awaiting(() => h.AskAsync(h.Llm())).Should().ThrowAsync<LlmServiceUnavailableException>()).Which;

        ex.Message.Length.Should().BeLessThan(800);
        ex.Message.Should().Contain("...");
    }

    [Test]
    public async Task GetResponseAsync_ProviderEchoesKeys_MessagesAndLogsNeverContainThem()
    {
        await using var h = await LlmClientHarness.StartAsync();
        const string awsSecret = "sk-test-aws-secret-9f8e";
        const string headerToken = "sk-test-header-tok-1a2b";
        var llm = h.Llm() with
        {
            NumRetries = 3,
            AwsSecretAccessKey = new SecretString(awsSecret),
            ExtraHeaders = ImmutableDictionary<string, string>.Empty.Add("X-Api-Token", "Bearer " + headerToken),
        };
        var echo = $$$"""{"error":{"message":"Key {{{LlmClientHarness.Key}}} (sk-test-llm-4f7c****6c5d) with {{{awsSecret}}} and {{{headerToken}}} is not allowed here"}}""";
        h.Server.Responder = _ => FakeReply.Error(503, echo);

        var ex = (await FluentActions.Awaiting(() => h.AskAsync(llm)).Should().ThrowAsync<LlmServiceUnavailableException>()).Which;

        h.Server.Requests.Should().HaveCount(3, "the body with the keys was seen on every attempt");
        var everything = ex.ToString() + "\n" + h.Logs.Text;
        h.Logs.Lines.Should().Contain(l => l.Contains("Retrying", StringComparison.Ordinal), "retries are logged, with the redacted reason");
        foreach (var secret in new[] { LlmClientHarness.Key, awsSecret, headerToken, "sk-test-llm-4f7c", "4f7c1d2e9a8b6c5d" })
        {
            everything.Should().NotContain(secret);
        }

        ex.Message.Should().Contain("Key ********** (**********) with ********** and ********** is not allowed here");
    }

    [Test]
    public async Task GetResponseAsync_ConnectionFailure_MessageAndLogsHaveNoKey()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Responder = _ => FakeReply.Drop();

        var ex = (await FluentActions.Awaiting(() => h.AskAsync(h.Llm() with { NumRetries = 2 })).Should().ThrowAsync<LlmServiceUnavailableException>()).Which;

        (ex.ToString() + h.Logs.Text).Should().NotContain(LlmClientHarness.Key);
        ex.Message.Should().StartWith("Could not get an answer from openai at http://127.0.0.1:");
    }

    [Test]
    public void CreateClient_UnknownProvider_MessageHasNoKey()
    {
        using var http = new HttpClient();

        var act = () => new LlmChatClientFactory(http).CreateClient(new Llm("vertex_ai/gemini-pro") { ApiKey = new SecretString(LlmClientHarness.Key) });

        act.Should().Throw<LlmBadRequestException>().Which.ToString().Should().NotContain(LlmClientHarness.Key);
    }
}
