using System.Text.Json;

namespace OpenHands.Sdk.Agents;

/// <summary>Base class of tools: validates the call once, then runs <see cref="ExecuteCoreAsync"/>.</summary>
public abstract class ToolBase : ITool
{
    /// <summary>Initializes a new instance of the <see cref="ToolBase"/> class.</summary>
    protected ToolBase()
    {
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract string Description { get; }

    /// <inheritdoc/>
    public abstract JsonElement ParametersSchema { get; }

    /// <inheritdoc/>
    public virtual bool IsReadOnly => false;

    /// <inheritdoc/>
    public abstract string ObservationKind { get; }

    /// <inheritdoc/>
    public Task<ToolResult> ExecuteAsync(ToolCall toolCall, ToolContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toolCall);
        ArgumentNullException.ThrowIfNull(context);
        // A shape guard, not a decode: each tool reads the object by its own parameters (ToolArguments).
        if (toolCall.Arguments.ValueKind != JsonValueKind.Object)
        {
            return Task.FromResult(ToolResult.Error($"The arguments of '{Name}' must be a JSON object."));
        }

        return ExecuteCoreAsync(toolCall, context, cancellationToken);
    }

    /// <summary>Runs the tool with arguments that are a JSON object.</summary>
    /// <param name="toolCall">The call.</param>
    /// <param name="context">The conversation the call belongs to.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result.</returns>
    protected abstract Task<ToolResult> ExecuteCoreAsync(ToolCall toolCall, ToolContext context, CancellationToken cancellationToken);
}
