using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>
/// Source-generated JSON of the built-in tools: the scalar values they put into observation fields, and the shapes
/// <see cref="ToolArguments"/> reads parameters as.
/// </summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(bool?))]
[JsonSerializable(typeof(double?))]
[JsonSerializable(typeof(List<int>))]
[JsonSerializable(typeof(IReadOnlyList<int>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
internal sealed partial class ToolJsonContext : JsonSerializerContext;
