using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The one authentication scheme of the server, for REST and the websocket: the key in <c>X-Session-API-Key</c>, the
/// deprecated <c>session_api_key</c> query parameter, or (websocket only) the key of the first <c>{"type":"auth"}</c>
/// frame, which the socket hands over through <see cref="SessionKeyFrame"/>; under <c>/v1</c> also <c>Authorization: Bearer</c>. Keys are compared in constant time by
/// <see cref="SessionKeyCheck"/>; with no keys configured every request is accepted, as in the Python agent-server.
/// </summary>
/// <remarks>
/// An instance serves one request. Its result is kept for that request (the authentication middleware and the
/// authorization policy each ask, so every <c>/api</c> request would otherwise check its key twice) until the socket
/// hands over an auth frame, which is checked afresh; not derived from <c>AuthenticationHandler</c>, whose cache ignores
/// that frame.
/// </remarks>
internal sealed class SessionKeyAuthenticationHandler(SessionKeyCheck keys) : IAuthenticationHandler
{
    public const string Scheme = "OpenHands.SessionApiKey";
    public const string PolicyName = "OpenHands.SessionApiKey";
    public const string QueryName = "session_api_key";

    /// <summary>The OpenAI-compatible gateway's path: it also takes <c>Authorization: Bearer</c> and answers in OpenAI's error shape.</summary>
    public const string GatewayPath = "/v1";

    private HttpContext _context = null!;
    private Task<AuthenticateResult>? _result;
    private SessionKeyFrame? _resultFrame;

    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        _context = context;
        return Task.CompletedTask;
    }

    public Task<AuthenticateResult> AuthenticateAsync()
    {
        var frame = _context.Features.Get<SessionKeyFrame>();
        if (_result is null || !ReferenceEquals(frame, _resultFrame))
        {
            _resultFrame = frame;
            _result = Task.FromResult(Authenticate(frame));
        }

        return _result;
    }

    private AuthenticateResult Authenticate(SessionKeyFrame? frame)
    {
        if (keys.IsOpen)
        {
            return Success("open");
        }

        var presented = frame?.Key
            ?? _context.Request.Headers[SessionKeyCheck.HeaderName].FirstOrDefault()
            ?? _context.Request.Query[QueryName].FirstOrDefault();

        // The OpenAI-compatible gateway also takes the session key as OpenAI clients send their API key; either header
        // may hold it, as in the reference.
        var bearer = IsGateway ? BearerToken(_context.Request.Headers.Authorization.FirstOrDefault()) : null;
        if (presented is null && bearer is null)
        {
            return AuthenticateResult.NoResult();
        }

        return keys.Accepts(presented) || keys.Accepts(bearer) ? Success("session key") : AuthenticateResult.Fail("Unauthorized");
    }

    /// <summary>The reference's 401: <c>{"detail": "Unauthorized"}</c>; OpenAI's error shape under <c>/v1</c>.</summary>
    public Task ChallengeAsync(AuthenticationProperties? properties) => WriteAsync(
        StatusCodes.Status401Unauthorized, IsGateway ? "Unauthorized: send the session key as 'Authorization: Bearer <key>' or X-Session-API-Key" : "Unauthorized");

    public Task ForbidAsync(AuthenticationProperties? properties) => WriteAsync(StatusCodes.Status403Forbidden, "Forbidden");

    private bool IsGateway => _context.Request.Path.StartsWithSegments(GatewayPath, StringComparison.Ordinal);

    private static string? BearerToken(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;

    private static AuthenticateResult Success(string how) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.AuthenticationMethod, how)], Scheme)), Scheme));

    private Task WriteAsync(int status, string detail)
    {
        if (_context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        if (IsGateway)
        {
            return new OpenAiErrorResult(status, detail, status == StatusCodes.Status401Unauthorized ? "invalid_api_key" : "forbidden").ExecuteAsync(_context);
        }

        _context.Response.StatusCode = status;
        return _context.Response.WriteAsJsonAsync(new ErrorResponse { Detail = detail }, WireJson.Contract<ErrorResponse>(), WireJson.ContentType, _context.RequestAborted);
    }
}

/// <summary>The key of a websocket's <c>{"type":"auth"}</c> frame, set as a request feature before authenticating again.</summary>
internal sealed class SessionKeyFrame(string? key)
{
    public string? Key { get; } = key;
}
