using System.Buffers;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OpenHands.AgentServer.Internal;

/// <summary>What the <c>/api</c> filter looks for: a body that could not be read, and why.</summary>
internal interface IWireBody
{
    ApiException? Error { get; }
}

/// <summary>
/// A JSON request body read with the wire's source-generated contract. Binding never fails: a body that is too large,
/// not JSON, not valid Unicode (invalid UTF-8, a lone surrogate escape) or of the wrong shape is kept as an
/// <see cref="Error"/>, which the <c>/api</c> filter answers (413, or 422 in FastAPI's shape naming the field) before the
/// handler runs. The framework's own JSON binding answers such bodies with a bare 400 before any filter can see them.
/// </summary>
internal sealed class WireBody<T> : IWireBody, IBindableFromHttpContext<WireBody<T>>, IEndpointParameterMetadataProvider
    where T : class, new()
{
    private WireBody(T? value, ApiException? error)
    {
        Value = value!;
        Error = error;
    }

    /// <summary>Gets the body; only read when <see cref="Error"/> is <see langword="null"/>.</summary>
    public T Value { get; }

    public ApiException? Error { get; }

    public static async ValueTask<WireBody<T>?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parameter);
        var limit = context.RequestServices.GetRequiredService<IOptions<AgentServerOptions>>().Value.MaxRequestBodyBytes;
        var optional = parameter.GetCustomAttribute<OptionalBodyAttribute>() is not null;
        byte[]? rented = null;
        try
        {
            var (buffer, length, tooLarge) = await ReadAsync(context, limit).ConfigureAwait(false);
            rented = buffer;
            if (tooLarge)
            {
                return new(null, new ApiException(StatusCodes.Status413PayloadTooLarge, $"Request body too large: the limit is {limit} bytes."));
            }

            var body = buffer.AsSpan(0, length);
            if (body.Trim(" \t\r\n"u8).IsEmpty)
            {
                return optional ? new(new T(), null) : new(null, ApiException.Validation("Field required", "missing", "body"));
            }

            return Parse(body);
        }
        catch (BadHttpRequestException e)
        {
            return new(null, new ApiException(e.StatusCode, e.Message));
        }
        finally
        {
            if (rented is { Length: > 0 })
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(builder);
        // Not AcceptsMetadata: routing would then refuse a body without a JSON content type before the binder could answer it.
        builder.Metadata.Add(new WireBodyMetadata(typeof(T), parameter.GetCustomAttribute<OptionalBodyAttribute>() is not null));
    }

    private static WireBody<T> Parse(ReadOnlySpan<byte> body)
    {
        if (BodyText.FindInvalidText(body) is { } invalid)
        {
            return new(null, invalid);
        }

        try
        {
            var value = JsonSerializer.Deserialize(body, WireJson.Contract<T>());
            return value is null
                ? new(null, ApiException.Validation("Input should be a valid dictionary or object", "model_attributes_type", "body"))
                : new(value, null);
        }
        catch (JsonException e)
        {
            return new(null, BodyText.Problem(e));
        }
    }

    private static async Task<(byte[] Buffer, int Length, bool TooLarge)> ReadAsync(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit)
        {
            return ([], 0, true);
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(context.Request.ContentLength ?? 4096, 256, Math.Min(limit, 1024 * 1024)));
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length >= limit)
                {
                    var probe = new byte[1];
                    if (await context.Request.Body.ReadAsync(probe, context.RequestAborted).ConfigureAwait(false) > 0)
                    {
                        return (buffer, length, true);
                    }

                    return (buffer, length, false);
                }

                var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, (long)buffer.Length * 2));
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            var read = await context.Request.Body.ReadAsync(buffer.AsMemory(length, (int)Math.Min(buffer.Length - length, limit - length + 1)), context.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                return (buffer, length, false);
            }

            length += read;
            if (length > limit)
            {
                return (buffer, length, true);
            }
        }
    }
}

/// <summary>The request body of a route, for the OpenAPI document (<see cref="OpenApiSetup"/>).</summary>
internal sealed record WireBodyMetadata(Type Type, bool Optional);

/// <summary>
/// A route whose body is a multipart form with one file field, for the OpenAPI document. Not <c>AcceptsMetadata</c>: routing
/// would then refuse another content type before the handler could answer it with a 422.
/// </summary>
internal sealed record FileUploadMetadata(string Field);

/// <summary>Marks a <see cref="WireBody{T}"/> parameter whose body may be empty (an empty body reads as defaults).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
internal sealed class OptionalBodyAttribute : Attribute;
