using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Wire;

namespace OpenHands.Sdk.Remote.Internal;

/// <summary>Reads an error answer with the wire's contract: <c>{"detail": "…"}</c>, FastAPI's <c>{"detail": [{loc, msg, type}]}</c>, or anything else.</summary>
internal static class RemoteErrors
{
    public static (string? Detail, List<string> Errors) Parse(byte[] body)
    {
        var errors = new List<string>();
        if (body.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return (null, errors);
        }

        ErrorBody? error;
        try
        {
            error = JsonSerializer.Deserialize(body, OpenHandsJson.Redacted.Contract<ErrorBody>());
        }
        catch (JsonException)
        {
            return (Shorten(Encoding.UTF8.GetString(body)), errors);
        }

        string? result = null;
        if (error?.Detail is { } detail)
        {
            // FastAPI's detail is a union (a string, a list of validation items, any value), kept raw in the shared ErrorBody.
            switch (detail.ValueKind)
            {
                case JsonValueKind.String:
                    result = detail.GetString();
                    break;
                case JsonValueKind.Array:
                    errors.AddRange(Items(detail));
                    result = string.Join("; ", errors);
                    break;
                case not JsonValueKind.Null:
                    result = Shorten(detail.GetRawText());
                    break;
            }
        }
        else if (error is null || error.Exception is null)
        {
            return (Shorten(Encoding.UTF8.GetString(body)), errors);
        }

        // The Python agent-server hides a 5xx's detail in "exception".
        if (error?.Exception is { } exception)
        {
            result = result is null ? exception : $"{result} ({exception})";
        }

        return (result, errors);
    }

    private static IEnumerable<string> Items(JsonElement detail)
    {
        List<ValidationItem?>? items = null;
        try
        {
            items = detail.Deserialize(OpenHandsJson.Redacted.Contract<List<ValidationItem?>>());
        }
        catch (JsonException)
        {
            // Not FastAPI's items: show the list as it came.
        }

        if (items is null)
        {
            return [Shorten(detail.GetRawText())];
        }

        return items.Select(i => i is null ? "(no detail)" : i.Loc is { Count: > 0 } loc ? $"{string.Join(".", loc.Select(l => l.ToString()))}: {i.Msg}" : i.Msg);
    }

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + " …";
}
