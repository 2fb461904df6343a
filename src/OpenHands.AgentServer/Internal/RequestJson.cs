using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace OpenHands.AgentServer.Internal;

/// <summary>Reads size-limited JSON request bodies and pulls typed fields out of them with 422s that name the field.</summary>
internal static class RequestJson
{
    public static async Task<JsonElement> ReadObjectAsync(HttpContext context, long limit, bool allowEmpty = false)
    {
        if (context.Request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        var rented = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(rented, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.WrittenCount + read > limit)
                {
                    throw TooLarge(limit);
                }

                buffer.Write(rented.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        if (buffer.WrittenCount == 0 || buffer.WrittenSpan.Trim(" \t\r\n"u8).IsEmpty)
        {
            if (allowEmpty)
            {
                return JsonDocument.Parse("{}").RootElement.Clone();
            }

            throw ApiException.Validation("Field required", "missing", "body");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 64 });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw ApiException.Validation($"JSON decode error: {e.Message}", "json_invalid", "body");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.Validation("Input should be a valid dictionary or object", "model_attributes_type", "body");
        }

        return root;
    }

    public static JsonElement? Optional(JsonElement body, string field) =>
        body.TryGetProperty(field, out var value) ? value : null;

    public static JsonElement RequiredObject(JsonElement body, string field)
    {
        if (!body.TryGetProperty(field, out var value))
        {
            throw ApiException.Validation("Field required", "missing", "body", field);
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.Validation("Input should be a valid dictionary or object", "model_type", "body", field);
        }

        return value;
    }

    public static string RequiredString(JsonElement body, string field)
    {
        if (!body.TryGetProperty(field, out var value))
        {
            throw ApiException.Validation("Field required", "missing", "body", field);
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw ApiException.Validation("Input should be a valid string", "string_type", "body", field);
    }

    public static string? OptionalString(JsonElement body, string field) =>
        !body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw ApiException.Validation("Input should be a valid string", "string_type", "body", field);

    public static bool OptionalBool(JsonElement body, string field, bool fallback) =>
        !body.TryGetProperty(field, out var value) ? fallback
        : value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiException.Validation("Input should be a valid boolean", "bool_type", "body", field),
        };

    private static ApiException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"Request body too large: the limit is {limit} bytes.");
}
