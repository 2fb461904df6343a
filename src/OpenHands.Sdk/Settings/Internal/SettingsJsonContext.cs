using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Settings.Internal;

/// <summary>Source-generated JSON metadata for the node types the settings codec converts.</summary>
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class SettingsJsonContext : JsonSerializerContext;
