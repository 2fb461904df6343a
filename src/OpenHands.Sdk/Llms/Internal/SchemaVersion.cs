using System.Text.Json;
using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Llms.Internal;

/// <summary>One rule for every <c>schema_version</c> field: missing or null is 0, otherwise a non-negative integer no newer than supported.</summary>
internal static class SchemaVersion
{
    /// <exception cref="LlmFormatException">The value is not such an integer.</exception>
    public static int Read(JsonElement? value, int supported, string what)
    {
        int? version;
        try
        {
            // The context's own options read integers strictly: "1", 1.0 and true are not versions.
            version = value?.Deserialize(OpenHandsJsonContext.Default.NullableInt32);
        }
        catch (JsonException ex)
        {
            throw new LlmFormatException($"{what} schema_version must be an integer", ex);
        }

        return version switch
        {
            null => 0,
            < 0 => throw new LlmFormatException($"{what} schema_version must not be negative"),
            var v when v > supported => throw new LlmFormatException(
                $"{what} schema_version {v} is newer than supported version {supported}; upgrade OpenHands.Sdk to read it"),
            var v => v.Value,
        };
    }
}
