using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using OpenHands.Sdk.Agents.Tools.Internal;

namespace OpenHands.Sdk.Agents.Mcp.Internal;

/// <summary>
/// One tool of an MCP server, called like a built-in tool. Its actions persist as <c>{"data": {…}, "kind": "MCPToolAction"}</c>
/// and its observations as <c>MCPToolObservation</c> (with <c>tool_name</c>), the Python SDK's shapes; the text starts with
/// <c>[Tool '&lt;name&gt;' executed.]</c> as there.
/// </summary>
internal sealed class McpTool : ITool
{
    public const string ActionKind = "MCPToolAction";
    public const string ObservationKindName = "MCPToolObservation";

    private readonly McpClient _client;
    private readonly McpClientTool _tool;
    private readonly TimeSpan _timeout;

    public McpTool(string server, McpClient client, McpClientTool tool, TimeSpan timeout)
    {
        Server = server;
        _client = client;
        _tool = tool;
        _timeout = timeout;
    }

    /// <summary>Gets the name of the server the tool belongs to.</summary>
    public string Server { get; }

    public string Name => _tool.Name;

    public string Description => string.IsNullOrWhiteSpace(_tool.Description) ? "No description provided" : _tool.Description;

    public JsonElement ParametersSchema => _tool.JsonSchema;

    public bool IsReadOnly => _tool.ProtocolTool.Annotations?.ReadOnlyHint == true;

    public string ObservationKind => ObservationKindName;

    public async Task<ToolResult> ExecuteAsync(ToolCall toolCall, ToolContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toolCall);
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        // Hand-walked on purpose: the arguments go to the MCP server untouched, each value the JsonElement the model sent.
        if (toolCall.Arguments.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in toolCall.Arguments.EnumerateObject())
            {
                arguments[property.Name] = property.Value;
            }
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        CallToolResult result;
        try
        {
            result = await _client.CallToolAsync(Name, arguments, cancellationToken: deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failure($"MCP tool '{Name}' timed out after {_timeout.TotalSeconds:0.#} seconds. The server may be unresponsive; retry or try another approach.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Failure($"Error calling MCP tool {Name}: {ex.Message}");
        }

        var text = new StringBuilder($"[Tool '{Name}' executed.]");
        foreach (var block in result.Content)
        {
            text.Append('\n').Append(block switch
            {
                TextContentBlock t => t.Text,
                ImageContentBlock i => $"[image: {i.MimeType}]",
                _ => $"[{block.Type} content]",
            });
        }

        return new ToolResult(text.ToString(), result.IsError == true) { Fields = new ObservationFields().Add("tool_name", Name).Build() };
    }

    private ToolResult Failure(string text) => ToolResult.Error(text) with { Fields = new ObservationFields().Add("tool_name", Name).Build() };
}
