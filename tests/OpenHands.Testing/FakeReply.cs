using System.Globalization;

namespace OpenHands.Testing;

/// <summary>
/// One scripted answer of <see cref="FakeLlmServer"/>. The same reply is rendered in the format of the request's
/// endpoint: OpenAI Chat Completions, or Anthropic Messages on <c>/v1/messages</c>. Instances are immutable; the
/// <c>With…</c> methods return changed copies.
/// </summary>
public sealed class FakeReply
{
    private FakeReply(FakeReplyKind kind) => Kind = kind;

    private FakeReply(FakeReply other)
    {
        Kind = other.Kind;
        ReplyText = other.ReplyText;
        ReasoningText = other.ReasoningText;
        Calls = other.Calls;
        Status = other.Status;
        RawBody = other.RawBody;
        RetryAfter = other.RetryAfter;
        DelayBy = other.DelayBy;
        Inner = other.Inner;
        PromptTokens = other.PromptTokens;
        CompletionTokens = other.CompletionTokens;
        CachedTokens = other.CachedTokens;
        ReasoningTokens = other.ReasoningTokens;
        ExtraHeaders = other.ExtraHeaders;
        FinishReason = other.FinishReason;
        NoChoices = other.NoChoices;
        ChunkDelay = other.ChunkDelay;
        PauseAfterChunks = other.PauseAfterChunks;
        Resume = other.Resume;
    }

    internal FakeReplyKind Kind { get; }

    internal string? ReplyText { get; private init; }

    internal string? ReasoningText { get; private init; }

    internal IReadOnlyList<FakeToolCall> Calls { get; private init; } = [];

    internal int Status { get; private init; } = 200;

    internal string? RawBody { get; private init; }

    internal TimeSpan? RetryAfter { get; private init; }

    internal TimeSpan DelayBy { get; private init; }

    internal FakeReply? Inner { get; private init; }

    internal int PromptTokens { get; private init; } = 10;

    internal int CompletionTokens { get; private init; } = 5;

    internal int CachedTokens { get; private init; }

    internal int ReasoningTokens { get; private init; }

    internal IReadOnlyList<KeyValuePair<string, string>> ExtraHeaders { get; private init; } = [];

    internal string? FinishReason { get; private init; }

    internal bool NoChoices { get; private init; }

    internal TimeSpan ChunkDelay { get; private init; }

    internal int PauseAfterChunks { get; private init; } = -1;

    internal Task? Resume { get; private init; }

    /// <summary>A reply with assistant text.</summary>
    /// <param name="text">The text; an empty text makes an empty (unusable) reply.</param>
    /// <returns>The reply.</returns>
    public static FakeReply Text(string text) => new(FakeReplyKind.Completion) { ReplyText = text };

    /// <summary>A reply with one tool call.</summary>
    /// <param name="name">The tool name.</param>
    /// <param name="argumentsJson">The arguments JSON text, sent verbatim (OpenAI) or parsed into <c>input</c> (Anthropic).</param>
    /// <param name="id">The call id; <see langword="null"/> makes one up.</param>
    /// <returns>The reply.</returns>
    public static FakeReply ToolCall(string name, string argumentsJson, string? id = null) => ToolCalls(new FakeToolCall(name, argumentsJson, id));

    /// <summary>A reply with several tool calls, in order.</summary>
    /// <param name="calls">The calls.</param>
    /// <returns>The reply.</returns>
    public static FakeReply ToolCalls(params FakeToolCall[] calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        return new(FakeReplyKind.Completion) { Calls = [.. calls] };
    }

    /// <summary>A reply with no choices (OpenAI) or no content blocks (Anthropic): what an LLM client treats as "no response".</summary>
    /// <returns>The reply.</returns>
    public static FakeReply Empty() => new(FakeReplyKind.Completion) { NoChoices = true };

    /// <summary>An HTTP error.</summary>
    /// <param name="status">The status code, such as 429 or 500.</param>
    /// <param name="body">The body, sent verbatim (JSON bodies get <c>application/json</c>).</param>
    /// <param name="retryAfter">When set, a <c>Retry-After</c> header in whole seconds (rounded up).</param>
    /// <returns>The reply.</returns>
    public static FakeReply Error(int status, string body, TimeSpan? retryAfter = null) =>
        new(FakeReplyKind.Raw) { Status = status, RawBody = body, RetryAfter = retryAfter };

    /// <summary>A verbatim answer, such as a recorded provider response.</summary>
    /// <param name="status">The status code.</param>
    /// <param name="body">The body.</param>
    /// <returns>The reply.</returns>
    public static FakeReply Raw(int status, string body) => new(FakeReplyKind.Raw) { Status = status, RawBody = body };

    /// <summary>Waits, then sends <paramref name="reply"/>. The wait ends early when the client goes away or the server stops.</summary>
    /// <param name="delay">How long to wait (real time).</param>
    /// <param name="reply">What to send afterwards.</param>
    /// <returns>The reply.</returns>
    public static FakeReply Delay(TimeSpan delay, FakeReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return new FakeReply(reply) { DelayBy = delay };
    }

    /// <summary>
    /// An answer that never comes: the request is held open until the client goes away or the server stops (for
    /// interrupt and cancellation tests). Streaming requests get their headers and then nothing.
    /// </summary>
    /// <returns>The reply.</returns>
    public static FakeReply Hang() => new(FakeReplyKind.Hang);

    /// <summary>Starts a 200 answer and breaks the connection in the middle of the body: a connection error for the client.</summary>
    /// <returns>The reply.</returns>
    public static FakeReply Drop() => new(FakeReplyKind.Drop);

    /// <summary>Returns a copy that also carries assistant text (for example beside tool calls).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The changed copy.</returns>
    public FakeReply WithText(string text) => new(this) { ReplyText = text };

    /// <summary>Returns a copy with reasoning: <c>reasoning_content</c> (OpenAI) or a signed <c>thinking</c> block (Anthropic).</summary>
    /// <param name="reasoning">The reasoning text.</param>
    /// <returns>The changed copy.</returns>
    public FakeReply WithReasoning(string reasoning) => new(this) { ReasoningText = reasoning };

    /// <summary>Returns a copy with these usage numbers (the default is 10 prompt and 5 completion tokens).</summary>
    /// <param name="promptTokens">Prompt (input) tokens, cached ones included.</param>
    /// <param name="completionTokens">Completion (output) tokens.</param>
    /// <param name="cachedTokens">Prompt tokens read from the cache.</param>
    /// <param name="reasoningTokens">Reasoning tokens (OpenAI format only).</param>
    /// <returns>The changed copy.</returns>
    public FakeReply WithUsage(int promptTokens, int completionTokens, int cachedTokens = 0, int reasoningTokens = 0) =>
        new(this) { PromptTokens = promptTokens, CompletionTokens = completionTokens, CachedTokens = cachedTokens, ReasoningTokens = reasoningTokens };

    /// <summary>Returns a copy that sends one more response header, such as <c>x-litellm-response-cost</c>.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    /// <returns>The changed copy.</returns>
    public FakeReply WithHeader(string name, string value) => new(this) { ExtraHeaders = [.. ExtraHeaders, new(name, value)] };

    /// <summary>Returns a copy with this finish reason instead of the natural one (<c>stop</c>/<c>tool_calls</c>, <c>end_turn</c>/<c>tool_use</c>).</summary>
    /// <param name="finishReason">The provider's finish (stop) reason.</param>
    /// <returns>The changed copy.</returns>
    public FakeReply WithFinishReason(string finishReason) => new(this) { FinishReason = finishReason };

    /// <summary>
    /// Returns a copy that, when streamed (the request asks for <c>"stream": true</c>), waits this long before each
    /// server-sent event after the first. A whole (non-streamed) answer is unaffected.
    /// </summary>
    /// <param name="delay">The wait between events (real time).</param>
    /// <returns>The changed copy.</returns>
    public FakeReply WithChunkDelay(TimeSpan delay) => new(this) { ChunkDelay = delay };

    /// <summary>
    /// Returns a copy that, when streamed, sends <paramref name="chunks"/> content pieces (text, reasoning or tool-call
    /// arguments), then waits for <paramref name="resume"/> before sending the rest. With a task that never completes,
    /// the stream stalls after those pieces. A whole answer is unaffected.
    /// </summary>
    /// <param name="chunks">How many content pieces to send first (0 = only the opening event).</param>
    /// <param name="resume">Completes when the rest may be sent.</param>
    /// <returns>The changed copy.</returns>
    public FakeReply WithPauseAfterChunks(int chunks, Task resume)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunks);
        ArgumentNullException.ThrowIfNull(resume);
        return new(this) { PauseAfterChunks = chunks, Resume = resume };
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        FakeReplyKind.Raw => string.Create(CultureInfo.InvariantCulture, $"HTTP {Status}"),
        FakeReplyKind.Drop => "dropped connection",
        FakeReplyKind.Hang => "no answer, ever",
        _ => NoChoices ? "no choices" : Calls.Count > 0 ? $"tool calls: {string.Join(", ", Calls.Select(c => c.Name))}" : ReplyText is null ? "empty" : $"text: {ReplyText}",
    } + (DelayBy > TimeSpan.Zero ? $" after {DelayBy}" : string.Empty);
}

/// <summary>How a <see cref="FakeReply"/> is sent.</summary>
internal enum FakeReplyKind
{
    Completion,
    Raw,
    Drop,
    Hang,
}
