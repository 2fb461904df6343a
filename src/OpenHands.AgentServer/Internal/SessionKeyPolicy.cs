using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The authorization policy of the <c>/api</c> and <c>/v1</c> groups (<see cref="SessionKeyAuthenticationHandler.PolicyName"/>):
/// the request's user must hold an identity authenticated by the session-key scheme (<see cref="SessionKeyRequirement"/>).
/// </summary>
/// <remarks>
/// <para>
/// When the session-key scheme is the app's default scheme to authenticate, challenge and forbid with (as in the server's
/// own host, where it is the only scheme), the policy names no scheme: the authentication middleware has already run the
/// scheme for the request, and the policy evaluator takes its result as it is. A policy that names a scheme makes the
/// evaluator authenticate again, merge the principals into a new one and build a new ticket on every request.
/// </para>
/// <para>
/// In an app that registers other schemes and makes one of them a default, the policy names the session-key scheme, so
/// that scheme authenticates and challenges on these routes whatever the default: a user signed in by another scheme
/// alone (a cookie, a bearer token) never passes, because the requirement looks for the session-key identity itself.
/// The choice is made once, when the authorization options are built; a scheme added later at run time leaves the
/// requirement in force (it fails closed).
/// </para>
/// </remarks>
internal sealed class SessionKeyPolicy(IAuthenticationSchemeProvider schemes) : IConfigureOptions<AuthorizationOptions>
{
    public void Configure(AuthorizationOptions options)
    {
        var policy = new AuthorizationPolicyBuilder().AddRequirements(SessionKeyRequirement.Instance);
        if (!IsEveryDefault())
        {
            policy.AddAuthenticationSchemes(SessionKeyAuthenticationHandler.Scheme);
        }

        options.AddPolicy(SessionKeyAuthenticationHandler.PolicyName, policy.Build());
    }

    /// <summary>Whether the session-key scheme is the default to authenticate, challenge and forbid with.</summary>
    private bool IsEveryDefault() =>
        IsSessionKey(schemes.GetDefaultAuthenticateSchemeAsync())
        && IsSessionKey(schemes.GetDefaultChallengeSchemeAsync())
        && IsSessionKey(schemes.GetDefaultForbidSchemeAsync());

    // The framework's provider answers at once; one that does not is taken as naming another scheme (the policy then
    // names ours), so nothing here waits on a task.
    private static bool IsSessionKey(Task<AuthenticationScheme?> scheme) =>
        scheme.IsCompletedSuccessfully && scheme.GetAwaiter().GetResult()?.Name == SessionKeyAuthenticationHandler.Scheme;
}

/// <summary>
/// Met when the user holds an authenticated identity of the session-key scheme (<see cref="SessionKeyAuthenticationHandler.Scheme"/>);
/// an identity from any other scheme does not count.
/// </summary>
internal sealed class SessionKeyRequirement : AuthorizationHandler<SessionKeyRequirement>, IAuthorizationRequirement
{
    public static readonly SessionKeyRequirement Instance = new();

    private SessionKeyRequirement()
    {
    }

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SessionKeyRequirement requirement)
    {
        foreach (var identity in context.User.Identities)
        {
            if (identity.IsAuthenticated && identity.AuthenticationType == SessionKeyAuthenticationHandler.Scheme)
            {
                context.Succeed(requirement);
                break;
            }
        }

        return Task.CompletedTask;
    }
}
