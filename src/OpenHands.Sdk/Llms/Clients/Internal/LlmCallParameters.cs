using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Effort = Microsoft.Extensions.AI.ReasoningEffort;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>The sampling and limit parameters of one attempt: <see cref="ChatOptions"/> values where set, else the <see cref="Llm"/>'s.</summary>
internal sealed partial record LlmCallParameters(
    double? Temperature,
    double? TopP,
    double? TopK,
    int? MaxOutputTokens,
    long? Seed,
    IReadOnlyList<string> Stop,
    string? ReasoningEffort,
    double? FrequencyPenalty,
    double? PresencePenalty)
{
    public static LlmCallParameters From(Llm llm, ChatOptions? options, double? temperatureOverride) => new(
        temperatureOverride ?? Widen(options?.Temperature) ?? llm.Temperature,
        Widen(options?.TopP) ?? llm.TopP,
        options?.TopK ?? llm.TopK,
        options?.MaxOutputTokens ?? llm.MaxOutputTokens,
        options?.Seed ?? llm.Seed,
        options?.StopSequences is { Count: > 0 } stop ? [.. stop] : [],
        EffortOf(options) ?? (string.IsNullOrWhiteSpace(llm.ReasoningEffort) ? null : llm.ReasoningEffort),
        Widen(options?.FrequencyPenalty),
        Widen(options?.PresencePenalty));

    /// <summary>
    /// Whether the model takes <c>reasoning_effort</c> (OpenAI o-series and the gpt-5 family, by the last segment of
    /// the model name, so <c>litellm_proxy/openai/gpt-5</c> counts).
    /// </summary>
    public static bool TakesReasoningEffort(string wireModel)
    {
        var name = wireModel[(wireModel.LastIndexOf('/') + 1)..];
        return ReasoningModel().IsMatch(name);
    }

    /// <summary>A <see cref="float"/> option as the decimal the caller wrote (0.7f is sent as 0.7, not 0.699999988).</summary>
    private static double? Widen(float? value) =>
        value is { } v ? double.Parse(v.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : null;

    private static string? EffortOf(ChatOptions? options) => options?.Reasoning?.Effort switch
    {
        null => null,
        Effort.None => "none",
        Effort.Low => "low",
        Effort.Medium => "medium",
        Effort.High => "high",
        Effort.ExtraHigh => "xhigh",
        _ => null,
    };

    [GeneratedRegex(@"^(o\d|gpt-5)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ReasoningModel();
}
