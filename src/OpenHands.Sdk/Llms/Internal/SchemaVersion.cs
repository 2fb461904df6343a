using System.Text.Json;

namespace OpenHands.Sdk.Llms.Internal;

/// <summary>One rule for every <c>schema_version</c> field: missing or null is 0, otherwise a non-negative integer no newer than supported.</summary>
internal static class SchemaVersion
{
    public static int Read(JsonElement? value, int supported, string what)
    {
        if (value is not { } v || v.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version))
        {
            throw new LlmFormatException($"{what} schema_version must be an integer");
        }

        if (version < 0)
        {
            throw new LlmFormatException($"{what} schema_version must not be negative");
        }

        return version <= supported ? version
            : throw new LlmFormatException($"{what} schema_version {version} is newer than supported version {supported}; upgrade OpenHands.Sdk to read it");
    }
}
