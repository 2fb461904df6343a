using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>Source-generated JSON metadata for small values the conversation writes.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(Dictionary<string, System.Text.Json.JsonElement>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(long))]
internal sealed partial class ConversationJsonContext : JsonSerializerContext;
