using System.Text.Json;

namespace OpenHands.Testing;

/// <summary>A request received by <see cref="FakeLlmServer"/>, as it arrived.</summary>
public sealed class RecordedRequest
{
    internal RecordedRequest(int index, string method, string path, string query, IReadOnlyDictionary<string, string> headers, string bodyText)
    {
        Index = index;
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
        BodyText = bodyText;
        try
        {
            Body = bodyText.Length == 0 ? null : JsonDocument.Parse(bodyText);
        }
        catch (JsonException)
        {
            Body = null;
        }
    }

    /// <summary>Gets the position of the request, from 1, in the order the server received them.</summary>
    public int Index { get; }

    /// <summary>Gets the HTTP method.</summary>
    public string Method { get; }

    /// <summary>Gets the path, such as <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>Gets the query string with its leading <c>?</c>, or an empty string.</summary>
    public string Query { get; }

    /// <summary>Gets the headers, by case-insensitive name; repeated headers are joined with <c>, </c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the body as text.</summary>
    public string BodyText { get; }

    /// <summary>Gets the body parsed as JSON, or <see langword="null"/> when it is empty or not JSON.</summary>
    public JsonDocument? Body { get; }

    /// <summary>Gets whether the request used the Anthropic Messages format (<c>/v1/messages</c>).</summary>
    public bool IsAnthropic => Path.EndsWith("/v1/messages", StringComparison.Ordinal);

    /// <summary>Gets the <c>model</c> of the body, or <see langword="null"/>.</summary>
    public string? Model =>
        Body?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()
            : null;

    /// <summary>Gets a header value, or <see langword="null"/> when the header is absent.</summary>
    /// <param name="name">The header name (case-insensitive).</param>
    /// <returns>The value.</returns>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <inheritdoc/>
    public override string ToString() => $"#{Index} {Method} {Path}{Query}";
}
