using System.Text.Json;

namespace OpenHands.Sdk.Agents;

/// <summary>A tool the agent can call: a name, a description and a JSON schema for its arguments.</summary>
/// <remarks>
/// Derive from <see cref="ToolBase"/> rather than implementing this directly. A tool must be safe to call from one
/// conversation at a time; a failing call should return <see cref="ToolResult.Error"/> (an exception is turned into
/// an error observation too, and never aborts the run).
/// </remarks>
public interface ITool
{
    /// <summary>Gets the name the model calls the tool by, for example <c>terminal</c>.</summary>
    string Name { get; }

    /// <summary>Gets what the tool does, as shown to the model.</summary>
    string Description { get; }

    /// <summary>Gets the JSON schema (an object schema) of the tool's arguments.</summary>
    JsonElement ParametersSchema { get; }

    /// <summary>Gets whether the tool only reads (never changes files, processes or the conversation).</summary>
    bool IsReadOnly { get; }

    /// <summary>Gets the <c>kind</c> of the observation payload the tool persists, for example <c>TerminalObservation</c>.</summary>
    string ObservationKind { get; }

    /// <summary>Runs the tool.</summary>
    /// <param name="toolCall">The call: id, name and parsed arguments.</param>
    /// <param name="context">The conversation the call belongs to.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result shown to the model.</returns>
    Task<ToolResult> ExecuteAsync(ToolCall toolCall, ToolContext context, CancellationToken cancellationToken = default);
}
