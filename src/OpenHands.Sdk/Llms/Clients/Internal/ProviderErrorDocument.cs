using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Converters;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>
/// The error body providers answer with: <c>{"error": {"message"}}</c> (OpenAI, Anthropic), <c>{"error": "..."}</c>
/// (Ollama, vLLM) or <c>{"message"}</c> / <c>{"detail"}</c> (gateways). Fields of another shape read as absent.
/// </summary>
internal sealed class ProviderErrorDocument
{
    [JsonConverter(typeof(ProviderErrorTextConverter))]
    public string? Error { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Message { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Detail { get; set; }

    /// <summary>Gets the provider's own words, preferring <c>error</c>.</summary>
    public string? Text => Error ?? Message ?? Detail;
}

/// <summary>The object form of <see cref="ProviderErrorDocument.Error"/>.</summary>
internal sealed class ProviderErrorDetailDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Message { get; set; }
}

/// <summary><c>error</c> as a string, or the <c>message</c> of an object; anything else is absent.</summary>
internal sealed class ProviderErrorTextConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return JsonSerializer.Deserialize(ref reader, OpenHandsJsonContext.Default.ProviderErrorDetailDocument)?.Message;
        }

        return new LooseStringConverter().Read(ref reader, typeToConvert, options);
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
