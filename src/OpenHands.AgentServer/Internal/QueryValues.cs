using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace OpenHands.AgentServer.Internal;

/// <summary>Reads typed query parameters; a value of the wrong type is a 422 in FastAPI's shape at <c>["query", name]</c>.</summary>
internal static class QueryValues
{
    public static string? Text(IQueryCollection query, string name) => query[name].FirstOrDefault();

    /// <summary>The page size: 1 to <paramref name="max"/>, <paramref name="fallback"/> when absent.</summary>
    public static int Limit(IQueryCollection query, int max = 100, int fallback = 100) =>
        Int(query, "limit") is not { } value ? fallback
        : value is >= 1 && value <= max ? value
        : throw ApiException.Validation($"limit must be an integer from 1 to {max}", "int_parsing", "query", "limit");

    public static int? Int(IQueryCollection query, string name) =>
        Text(query, name) is not { } text ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
        : throw ApiException.Validation("Input should be a valid integer", "int_parsing", "query", name);

    public static bool Bool(IQueryCollection query, string name, bool fallback = false) => Text(query, name)?.ToLowerInvariant() switch
    {
        null => fallback,
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw ApiException.Validation("Input should be a valid boolean", "bool_parsing", "query", name),
    };

    public static Guid? Uuid(IQueryCollection query, string name) =>
        Text(query, name) is not { } text ? null
        : Guid.TryParse(text, out var value) ? value
        : throw ApiException.Validation("Input should be a valid UUID", "uuid_parsing", "query", name);

    public static DateTimeOffset? Time(IQueryCollection query, string name) =>
        Text(query, name) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value
        : throw ApiException.Validation("Input should be a valid datetime", "datetime_parsing", "query", name);
}
