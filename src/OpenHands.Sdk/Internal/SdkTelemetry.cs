using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OpenHands.Sdk.Internal;

/// <summary>
/// The SDK's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <c>OpenHands.Sdk</c>, and the
/// instruments on that meter. Attribute names follow the OpenTelemetry GenAI semantic conventions where one exists.
/// </summary>
/// <remarks>
/// Nothing recorded here ever holds a key or message content: spans and metrics carry models, token counts, tool names,
/// call ids and error types. Message content is added only by <see cref="Llms.Clients.Internal.TelemetryChatClient"/>
/// when a conversation factory opts in (<c>ConversationFactoryOptions.CaptureMessageContent</c>), and then with the
/// LLM's secrets redacted.
/// </remarks>
internal static class SdkTelemetry
{
    public const string Name = "OpenHands.Sdk";

    private static readonly string? Version = typeof(SdkTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Source = new(Name, Version);

    public static readonly Meter Meter = new(Name, Version);

    /// <summary>Tokens per LLM call, by <c>gen_ai.token.type</c> (<c>input</c> or <c>output</c>).</summary>
    public static readonly Histogram<long> TokenUsage = Meter.CreateHistogram<long>(
        "gen_ai.client.token.usage", "{token}", "Number of input and output tokens used per LLM call.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304] });

    /// <summary>Seconds per LLM call, retries included.</summary>
    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        "gen_ai.client.operation.duration", "s", "Duration of LLM calls, retries included.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] });

    /// <summary>Seconds per tool call.</summary>
    public static readonly Histogram<double> ToolDuration = Meter.CreateHistogram<double>(
        "openhands.tool.duration", "s", "Duration of tool calls.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300] });

    /// <summary>Conversations whose run loop is executing now.</summary>
    public static readonly UpDownCounter<long> ActiveConversations = Meter.CreateUpDownCounter<long>(
        "openhands.conversation.active", "{conversation}", "Conversations whose run loop is executing.");

    /// <summary>Profile resolves, by outcome.</summary>
    public static readonly Counter<long> ProfileResolves = Meter.CreateCounter<long>(
        "openhands.profile.resolves", "{resolve}", "LLM profiles resolved into a live LLM, by outcome.");

    // Attribute names (OpenTelemetry GenAI semantic conventions, and ours under openhands.*).
    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string System = "gen_ai.system";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string ResponseId = "gen_ai.response.id";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string FinishReasons = "gen_ai.response.finish_reasons";
    public const string TokenType = "gen_ai.token.type";
    public const string ConversationId = "gen_ai.conversation.id";
    public const string AgentName = "gen_ai.agent.name";
    public const string ToolName = "gen_ai.tool.name";
    public const string ToolCallId = "gen_ai.tool.call.id";
    public const string ToolType = "gen_ai.tool.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ErrorType = "error.type";
    public const string Profile = "openhands.profile";
    public const string StepNumber = "openhands.step.number";
    public const string ExecutionStatus = "openhands.conversation.status";
    public const string Outcome = "openhands.outcome";

    /// <summary>Marks a span failed with the exception's type (never its message, which may quote a provider's body).</summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        var type = exception.GetType().FullName ?? exception.GetType().Name;
        activity.SetTag(ErrorType, type);
        activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
    }
}
