using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Sends a change of a conversation that another instance runs to that instance, when several instances share a
/// database: a <c>POST</c>, <c>PUT</c>, <c>PATCH</c> or <c>DELETE</c> under <c>/api/conversations/{id}</c> whose lease is
/// live and held by another instance that gave its address (<see cref="AgentServerOptions.InstanceUrl"/>) is sent there
/// as it came (method, path, query, headers including the session key, body), and its answer is relayed. A forwarded
/// request is marked (<see cref="ForwardedHeader"/>) and never forwarded again: if the lease moved meanwhile, the
/// receiving instance carries it out itself or answers 409. Everything else passes through untouched, and without a
/// database nothing is looked up.
/// </summary>
internal sealed partial class OwnerForwarding(RequestDelegate next, ConversationService conversations, ILogger<OwnerForwarding> logger)
{
    /// <summary>Marks a request one instance forwarded to another; its value is the sender's instance id.</summary>
    public const string ForwardedHeader = "X-OpenHands-Forwarded-By";

    private const string Prefix = "/api/conversations/";

    private static readonly HttpClient Client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromMinutes(5),
    };

    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Content-Length",
    };

    public async Task InvokeAsync(HttpContext context)
    {
        var ownership = conversations.Ownership;
        if (!ownership.IsShared || !IsChange(context.Request) || context.Request.Headers.ContainsKey(ForwardedHeader)
            || ConversationId(context.Request.Path) is not { } id
            || await ownership.ReadAsync(id, context.RequestAborted).ConfigureAwait(false) is not { IsLive: true, OwnerUrl: { } url } holder
            || holder.Lease.Owner == ownership.InstanceId)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        LogForwarding(logger, context.Request.Method, id, holder.Lease.Owner);
        await ForwardAsync(context, url, ownership.InstanceId).ConfigureAwait(false);
    }

    private static bool IsChange(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsDelete(request.Method))
        && request.Path.StartsWithSegments("/api/conversations", StringComparison.Ordinal);

    /// <summary>The conversation id of <c>/api/conversations/{id}[/...]</c>, when it is one.</summary>
    internal static Guid? ConversationId(PathString path)
    {
        var value = path.Value;
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = value.AsSpan(Prefix.Length);
        var end = rest.IndexOf('/');
        return Guid.TryParse(end < 0 ? rest : rest[..end], out var id) ? id : null;
    }

    private static async Task ForwardAsync(HttpContext context, string ownerUrl, string instanceId)
    {
        var request = context.Request;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(new Uri(ownerUrl), request.Path + request.QueryString));
        if (request.ContentLength is > 0 || request.Headers.ContainsKey("Transfer-Encoding"))
        {
            message.Content = new StreamContent(request.Body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (HopHeaders.Contains(name))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        message.Headers.TryAddWithoutValidation(ForwardedHeader, instanceId);
        HttpResponseMessage answer;
        try
        {
            answer = await Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            // The owner is unreachable (it may have just died): its lease expires and any instance takes the run over.
            context.Response.Headers.RetryAfter = "5";
            await new ApiError(
                StatusCodes.Status503ServiceUnavailable,
                $"The instance that runs this conversation ({ownerUrl}) did not answer ({e.HttpRequestError}). Retry in a few seconds: "
                + "if it is gone, another instance takes the conversation over when its lease expires.").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        using (answer)
        {
            context.Response.StatusCode = (int)answer.StatusCode;
            foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
            {
                if (!HopHeaders.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await answer.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} for conversation {Id} forwarded to instance {Owner}, which runs it")]
    private static partial void LogForwarding(ILogger logger, string method, Guid id, string owner);

    /// <summary>Puts <see cref="OwnerForwarding"/> first in the server's pipeline.</summary>
    internal sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<OwnerForwarding>();
            next(app);
        };
    }
}
