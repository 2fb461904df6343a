using System.Text.Json.Serialization;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The server's own source-generated System.Text.Json context, for the files only the server writes (<c>meta.json</c>
/// beside a conversation), in the Python agent-server's snake_case names; fields this version does not model are kept.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConversationMetaDocument))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
