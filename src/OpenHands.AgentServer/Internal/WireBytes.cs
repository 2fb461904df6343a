using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// A 200 answer whose body is a <typeparamref name="T"/> already serialized with the wire's contract (for an answer
/// that is served again unchanged, see <see cref="ProfileListingCache"/>). Declares <typeparamref name="T"/> for OpenAPI,
/// like <see cref="WireOk{T}"/>.
/// </summary>
internal sealed class WireBytes<T>(byte[] json) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    /// <summary>The serialized body.</summary>
    public byte[] Json => json;

    int? IStatusCodeHttpResult.StatusCode => StatusCodes.Status200OK;

    /// <summary>Serializes <paramref name="value"/> with the wire's contract.</summary>
    public static WireBytes<T> Of(T value) => new(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, WireJson.Contract<T>()));

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = WireJson.ContentType;
        httpContext.Response.ContentLength = json.Length;
        return httpContext.Response.Body.WriteAsync(json, httpContext.RequestAborted).AsTask();
    }
}
