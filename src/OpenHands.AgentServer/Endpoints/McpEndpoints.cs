using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Agents.Mcp;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// <c>POST /api/mcp/test</c>: connects to one candidate MCP server, lists its tools and disconnects, saving nothing.
/// A server that fails is an answer (200, <c>ok: false</c>), not an error: checking a user's configuration is the point.
/// </summary>
internal static class McpEndpoints
{
    private const string DefaultName = "test-server";

    public static void Map(RouteGroupBuilder api)
    {
        var mcp = api.MapGroup("/mcp").WithTags("MCP");
        mcp.MapPost("/test", TestAsync).Errors(413, 422);
    }

    private static async Task<WireOk<McpTestResponse>> TestAsync(WireBody<McpTestRequest> body, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var name = string.IsNullOrWhiteSpace(request.Name) ? DefaultName : request.Name.Trim();
        if (name.Length > 128)
        {
            throw ApiException.Validation("name must have at most 128 characters", "string_too_long", "body", "name");
        }

        var timeout = request.Timeout ?? 15.0;
        if (timeout is not (> 0 and <= 120))
        {
            throw ApiException.Validation("timeout must be greater than 0 and at most 120 seconds", "less_than_equal", "body", "timeout");
        }

        if (request.ToolCall is not null)
        {
            throw ApiException.Validation(
                "tool_call is not supported by this server: it only connects and lists the tools. Send the request without tool_call.", "value_error", "body", "tool_call");
        }

        var server = request.Server ?? throw ApiException.Validation("Field required", "missing", "body", "server");
        var type = UnknownFields.RemoveString(server.Unknown, "type") ?? server.Transport ?? (server.Command is null ? "http" : "stdio");
        if (type is not ("stdio" or "http" or "shttp" or "streamable-http" or "sse"))
        {
            throw ApiException.Validation($"server.type '{type}' must be one of stdio, http, shttp, streamable-http, sse", "literal_error", "body", "server", "type");
        }

        if (type == "stdio" ? string.IsNullOrWhiteSpace(server.Command) : string.IsNullOrWhiteSpace(server.Url))
        {
            var field = type == "stdio" ? "command" : "url";
            throw ApiException.Validation($"Field required: a {type} server needs '{field}'", "missing", "body", "server", field);
        }

        server.Transport = type == "shttp" ? "http" : type;
        var config = ControlWire.ReadMcp(new McpConfigDocument { McpServers = new(StringComparer.Ordinal) { [name] = server } }, "body", "server").Servers[name];

        var results = await McpServerTester.TestAsync(new McpConfig().With(name, config), TimeSpan.FromSeconds(timeout), cancellationToken).ConfigureAwait(false);
        var result = results[0];
        return new(result.Succeeded
            ? new McpTestResponse { Ok = true, Tools = result.Tools }
            : new McpTestResponse { Ok = false, Error = result.Error, ErrorKind = result.TimedOut ? "timeout" : "connection" });
    }
}
