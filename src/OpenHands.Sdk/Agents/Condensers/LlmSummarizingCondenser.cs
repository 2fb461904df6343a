using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Agents.Condensers;

/// <summary>
/// Keeps a long history within bounds by summarizing its middle with an LLM (the Python SDK's
/// <c>LLMSummarizingCondenser</c>): once more than <see cref="MaxSize"/> events would be sent to the model, the first
/// <see cref="KeepFirst"/> are kept, the older part of the rest is replaced by a summary, and the newest part is kept, so
/// that about half of <see cref="MaxSize"/> remains.
/// </summary>
/// <remarks>
/// <para>
/// The summarizing LLM is a profile: <see cref="Profile"/>, or the agent's own profile when it is
/// <see langword="null"/>, resolved through the conversation's <see cref="ProfileResolver"/> each time it summarizes,
/// so no key is copied anywhere. The condensation is a <c>Condensation</c> event; the events stay in the log.
/// </para>
/// <para>Instances are immutable.</para>
/// </remarks>
public sealed record LlmSummarizingCondenser
{
    /// <summary>Gets the LLM profile that writes summaries; <see langword="null"/> for the agent's own profile.</summary>
    public ProfileReference? Profile { get; init; }

    /// <summary>Gets how many events may be sent to the model before the history is condensed.</summary>
    /// <value>The default is 240 (the Python default). Must leave room for <see cref="KeepFirst"/>: more than <c>2 × (KeepFirst + 1)</c>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxSize
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxSize), value, "MaxSize must be at least 1.");
    } = 240;

    /// <summary>Gets how many events at the start are never condensed (the system prompt and the task, typically).</summary>
    /// <value>The default is 2. Must not be negative.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int KeepFirst
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(KeepFirst), value, "KeepFirst must not be negative.");
    } = 2;

    /// <summary>Checks that <see cref="KeepFirst"/> leaves room to condense anything.</summary>
    /// <exception cref="ArgumentException"><c>MaxSize / 2 - KeepFirst - 1</c> is not positive.</exception>
    public void Validate()
    {
        if (MaxSize / 2 - KeepFirst - 1 <= 0)
        {
            throw new ArgumentException(
                $"LlmSummarizingCondenser: KeepFirst ({KeepFirst}) must be less than MaxSize / 2 - 1 ({MaxSize / 2 - 1}) to leave room for condensation. Fix: raise MaxSize or lower KeepFirst.");
        }
    }
}
