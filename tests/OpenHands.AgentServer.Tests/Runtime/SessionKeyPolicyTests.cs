using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenHands.AgentServer.Internal;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Runtime;

/// <summary>
/// The <c>/api</c> policy with the server's scheme alone, and in an app that registers a scheme of its own. Alone, the
/// policy names no scheme (the authentication middleware's result is used as it is, not authenticated again); next to
/// another scheme it names the session-key scheme, and a user signed in by the other scheme still needs the key.
/// </summary>
[Category("AgentServer")]
public sealed class SessionKeyPolicyTests
{
    private const string Key = "sk-test-policy";
    private const string OtherScheme = "Embedder";

    [Test]
    public async Task OnlyTheServersScheme_PolicyNamesNoScheme_AndTheKeyIsChecked()
    {
        using var dir = TempDirectory.Create();
        await using var host = await StartAsync(dir, services: null);

        (await PolicyAsync(host)).AuthenticationSchemes.Should().BeEmpty("the middleware already ran the only scheme");
        await ShouldCheckTheKeyAsync(host);
    }

    [Test]
    public async Task OtherSchemeIsTheDefault_AndSignsEveryoneIn_ApiStillNeedsTheKey()
    {
        using var dir = TempDirectory.Create();
        await using var host = await StartAsync(dir, services => services
            .AddAuthentication(o => o.DefaultScheme = OtherScheme)
            .AddScheme<AuthenticationSchemeOptions, SignsEveryoneIn>(OtherScheme, _ => { }));

        (await PolicyAsync(host)).AuthenticationSchemes.Should().Equal(SessionKeyAuthenticationHandler.Scheme);
        await ShouldCheckTheKeyAsync(host);
    }

    [Test]
    public async Task OtherSchemeRegistered_NoDefault_ApiStillNeedsTheKey()
    {
        using var dir = TempDirectory.Create();
        await using var host = await StartAsync(dir, services => services
            .AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, SignsEveryoneIn>(OtherScheme, _ => { }));

        (await PolicyAsync(host)).AuthenticationSchemes.Should().Equal(SessionKeyAuthenticationHandler.Scheme);
        await ShouldCheckTheKeyAsync(host);
    }

    [Test]
    public async Task ServersSchemeMadeTheDefault_NextToAnother_PolicyNamesNoScheme_AndTheKeyIsChecked()
    {
        using var dir = TempDirectory.Create();
        await using var host = await StartAsync(dir, services => services
            .AddAuthentication(o => o.DefaultScheme = SessionKeyAuthenticationHandler.Scheme)
            .AddScheme<AuthenticationSchemeOptions, SignsEveryoneIn>(OtherScheme, _ => { }));

        (await PolicyAsync(host)).AuthenticationSchemes.Should().BeEmpty();
        await ShouldCheckTheKeyAsync(host);
    }

    [Test]
    public async Task OtherSchemeChallenges_ServersSchemeAuthenticates_PolicyNamesTheServersScheme()
    {
        using var dir = TempDirectory.Create();
        await using var host = await StartAsync(dir, services => services
            .AddAuthentication(o =>
            {
                o.DefaultAuthenticateScheme = SessionKeyAuthenticationHandler.Scheme;
                o.DefaultChallengeScheme = OtherScheme;
            })
            .AddScheme<AuthenticationSchemeOptions, SignsEveryoneIn>(OtherScheme, _ => { }));

        (await PolicyAsync(host)).AuthenticationSchemes.Should().Equal([SessionKeyAuthenticationHandler.Scheme], "the server's own 401 must answer on /api");
        await ShouldCheckTheKeyAsync(host);
    }

    private static Task<RuntimeHost> StartAsync(TempDirectory dir, Action<IServiceCollection>? services) =>
        RuntimeHost.StartAsync(new Dictionary<string, string?> { ["OH_PERSISTENCE_DIR"] = dir.Path }, o => o.SessionApiKeys.Add(Key), services);

    private static async Task<AuthorizationPolicy> PolicyAsync(RuntimeHost host) =>
        (await host.Services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(SessionKeyAuthenticationHandler.PolicyName))!;

    private static async Task ShouldCheckTheKeyAsync(RuntimeHost host)
    {
        using (var none = await host.Client.GetAsync("/api/profiles"))
        {
            none.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await none.JsonAsync())["detail"]!.GetValue<string>().Should().Be("Unauthorized", "the server's scheme answers, in the reference's shape");
        }

        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/profiles"))
        {
            wrong.Headers.Add("X-Session-API-Key", "sk-test-wrong");
            using var response = await host.Client.SendAsync(wrong);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using var right = new HttpRequestMessage(HttpMethod.Get, "/api/profiles");
        right.Headers.Add("X-Session-API-Key", Key);
        using (var response = await host.Client.SendAsync(right))
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }
    }

    /// <summary>An app's own scheme that signs in every request (as a cookie of a signed-in user would).</summary>
    private sealed class SignsEveryoneIn(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "app-user")], OtherScheme)), OtherScheme)));
    }
}
