using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>Source-generated JSON for the scalar values the built-in tools put into observation fields.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(bool))]
internal sealed partial class ToolJsonContext : JsonSerializerContext;
