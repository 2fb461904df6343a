using System.Buffers;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// A 200 answer written with the wire's source-generated contract (the app's own JSON options are never used, so the
/// wire names stay snake_case whatever the host configures). Declares its response type for OpenAPI.
/// </summary>
internal sealed class WireOk<T>(T value, JsonTypeInfo<T>? contract = null) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IEndpointMetadataProvider
{
    public T Value => value;

    object? IValueHttpResult.Value => value;

    int? IStatusCodeHttpResult.StatusCode => StatusCodes.Status200OK;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));

    public Task ExecuteAsync(HttpContext httpContext) => WireResult.WriteAsync(httpContext, StatusCodes.Status200OK, value, contract);
}

/// <summary>A 201 answer written with the wire's contract (see <see cref="WireOk{T}"/>).</summary>
internal sealed class WireCreated<T>(T value) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IEndpointMetadataProvider
{
    public T Value => value;

    object? IValueHttpResult.Value => value;

    int? IStatusCodeHttpResult.StatusCode => StatusCodes.Status201Created;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status201Created, typeof(T), ["application/json"]));

    public Task ExecuteAsync(HttpContext httpContext) => WireResult.WriteAsync(httpContext, StatusCodes.Status201Created, value, null);
}

internal static class WireResult
{
    public static Task WriteAsync<T>(HttpContext httpContext, int status, T value, JsonTypeInfo<T>? contract)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = status;
        return httpContext.Response.WriteAsJsonAsync(value, contract ?? WireJson.Contract<T>(), WireJson.ContentType, httpContext.RequestAborted);
    }

    /// <summary>Documents the error answers of a route (the one error body, or the 422 validation body).</summary>
    public static TBuilder Errors<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(b =>
        {
            foreach (var status in statuses)
            {
                var type = status == StatusCodes.Status422UnprocessableEntity ? typeof(OpenHands.Sdk.Wire.ValidationErrorResponse) : typeof(OpenHands.Sdk.Wire.ErrorResponse);
                b.Metadata.Add(new ProducesResponseTypeMetadata(status, type, ["application/json"]));
            }
        });
        return builder;
    }
}

/// <summary>One event in the Python SDK's event shape: its JSON as the event log stores it (written by the one event codec).</summary>
internal sealed class EventResult(byte[] json) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    int? IStatusCodeHttpResult.StatusCode => StatusCodes.Status200OK;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(OpenHands.Sdk.Serialization.Documents.EventDocument), ["application/json"]));

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = WireJson.ContentType;
        await httpContext.Response.Body.WriteAsync(json, httpContext.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>
/// A page of events, <c>{"items":[...],"next_page_id":...}</c> (the shape of <see cref="OpenHands.Sdk.Wire.EventPage"/>),
/// written from the events' stored JSON: a copy of the page's bytes, no serialization.
/// </summary>
internal sealed class EventPageResult(IReadOnlyList<byte[]> items, string? nextPageId) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    int? IStatusCodeHttpResult.StatusCode => StatusCodes.Status200OK;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(OpenHands.Sdk.Wire.EventPage), ["application/json"]));

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = WireJson.ContentType;
        // The page is its events' stored JSON (each one valid object, read or written by the event codec) between the
        // fixed parts of the shape; only next_page_id is serialized.
        var body = httpContext.Response.BodyWriter;
        body.Write("{\"items\":["u8);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                body.Write(","u8);
            }

            body.Write(items[i]);
        }

        body.Write("],\"next_page_id\":"u8);
        body.Write(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(nextPageId, WireJson.Contract<string?>()));
        body.Write("}"u8);
        await body.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
    }
}
