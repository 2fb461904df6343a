using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Serialization;

/// <summary>The SDK's part of <see cref="OpenHandsJson"/>: its options use the SDK's one context.</summary>
internal static partial class OpenHandsJson
{
    internal static partial JsonSerializerContext Context => OpenHandsJsonContext.Default;
}
