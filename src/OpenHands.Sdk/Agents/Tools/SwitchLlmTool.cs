using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Agents.Tools.Internal;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Agents.Tools;

/// <summary>
/// The <c>switch_llm</c> tool: lets the model move the conversation to another saved LLM profile, by profile name,
/// through <see cref="ToolContext.LlmSwitcher"/>. The switch applies from the next LLM call; the observation kind
/// is <c>SwitchLLMObservation</c> (fields <c>profile_name</c> and <c>reason</c>).
/// </summary>
/// <remarks>
/// An unknown profile, an invalid name, or a conversation that cannot switch gives an error result (the unknown
/// profile's error lists the available ones); the run goes on with the current LLM. Thread-safe.
/// </remarks>
public sealed class SwitchLlmTool : ToolBase
{
    /// <summary>The name the model calls this tool by.</summary>
    public const string ToolName = "switch_llm";

    /// <summary>The <c>kind</c> of this tool's observations.</summary>
    public const string ObservationKindName = "SwitchLLMObservation";

    private static readonly JsonElement Schema = ToolSchema.Object(
        ["profile_name", "reason"],
        ("profile_name", ToolSchema.String("The name of the saved LLM profile to use from the next step on, exactly as it is saved.")),
        ("reason", ToolSchema.String("In a sentence: why that profile suits the next steps better.")));

    /// <summary>Initializes a new instance of the <see cref="SwitchLlmTool"/> class.</summary>
    public SwitchLlmTool()
    {
    }

    /// <inheritdoc/>
    public override string Name => ToolName;

    /// <inheritdoc/>
    public override string Description =>
        """
        Switches this conversation to another saved LLM profile, chosen by its profile name.

        Use it when a different model fits the next steps better (a stronger one for hard reasoning, a faster or cheaper one for routine work).
        The current step finishes with the current model; the next LLM call uses the new profile.
        Give `profile_name` exactly as the profile is saved, and a short `reason`. If the name is unknown, the error lists the profiles you can choose from.
        """;

    /// <inheritdoc/>
    public override JsonElement ParametersSchema => Schema;

    /// <inheritdoc/>
    public override string ObservationKind => ObservationKindName;

    /// <inheritdoc/>
    protected override async Task<ToolResult> ExecuteCoreAsync(ToolCall toolCall, ToolContext context, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(ToolName, toolCall.Arguments);
        var requested = arguments.String("profile_name", required: true);
        var reason = arguments.String("reason")?.Trim();
        if (arguments.Error is not null)
        {
            return Failure(requested, reason, arguments.Error);
        }

        if (context.LlmSwitcher is not { } switcher)
        {
            return Failure(requested, reason, "This conversation cannot switch LLM profiles: it has no profile store to switch with. Go on with the current model.");
        }

        var available = await switcher.ListProfilesAsync(cancellationToken).ConfigureAwait(false);
        if (!ProfileName.TryCreate(requested, out var name) || !available.Contains(name))
        {
            return NotFound(requested!, reason, available);
        }

        try
        {
            await switcher.SwitchProfileAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (ProfileNotFoundException e)
        {
            return NotFound(requested!, reason, e.Available.Count > 0 ? [.. e.Available] : available);
        }
        catch (OpenHandsException e)
        {
            return Failure(name.Value, reason, $"Could not switch to LLM profile '{name}': {e.Message}");
        }

        var text = string.IsNullOrEmpty(reason)
            ? $"Switched the LLM profile to '{name}'. The next steps use it."
            : $"Switched the LLM profile to '{name}'. Reason: {reason} The next steps use it.";
        return new ToolResult(text) { Fields = Fields(name.Value, reason) };
    }

    private static ToolResult NotFound(string requested, string? reason, IReadOnlyList<ProfileName> available)
    {
        var list = available.Count == 0 ? "none" : string.Join(", ", available.Select(p => p.Value).Order(StringComparer.Ordinal));
        return Failure(requested, reason, $"LLM profile '{requested}' was not found. Available profiles: {list}.");
    }

    private static ToolResult Failure(string? profileName, string? reason, string text) =>
        ToolResult.Error(text) with { Fields = Fields(profileName ?? string.Empty, reason) };

    private static ImmutableDictionary<string, JsonElement> Fields(string profileName, string? reason) =>
        new ObservationFields().Add("profile_name", profileName).Add("reason", string.IsNullOrEmpty(reason) ? null : reason).Build();
}
