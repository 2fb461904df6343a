using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Remote.Internal;

/// <summary>Small helpers for the agent server's JSON.</summary>
internal static class RemoteJson
{
    public static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool Bool(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.True;

    public static int? Int(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    /// <summary>The Python-compatible JSON of an LLM, with secrets as <paramref name="exposure"/> says.</summary>
    public static JsonObject LlmNode(Llm llm, SecretExposure exposure, bool includeUsageId = true)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            LlmJsonCodec.Write(writer, llm, exposure, cipher: null, isProfileFile: false, includeUsageId);
        }

        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }
}
