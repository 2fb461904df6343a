using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Serialization.Converters;

namespace OpenHands.Sdk.Serialization.Documents;

/// <summary>An agent's <c>mcp_config</c>: <c>{"mcpServers": {name: server}}</c>; other top-level fields are kept.</summary>
internal sealed class McpConfigDocument
{
    [JsonPropertyName("mcpServers")]
    public Dictionary<string, McpServerDocument?>? McpServers { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>One MCP server: stdio (<c>command</c>, <c>args</c>, <c>env</c>) or remote (<c>url</c>, <c>headers</c>).</summary>
internal sealed class McpServerDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Command { get; set; }

    public List<string>? Args { get; set; }

    public Dictionary<string, string>? Env { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Cwd { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Url { get; set; }

    public Dictionary<string, string>? Headers { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Transport { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>The agent's <c>condenser</c>: its LLM (a secret-free snapshot), sizes, other fields kept, <c>kind</c> last.</summary>
internal sealed class CondenserDocument
{
    public LlmDocument? Llm { get; set; }

    public int? MaxSize { get; set; }

    public int? KeepFirst { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}
