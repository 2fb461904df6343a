using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenHands.AgentServer.WebConsole;

namespace OpenHands.AgentServer.Internal;

/// <summary>The services the endpoints need: the session-key scheme and its policy, the OpenAPI document and the console redirect.</summary>
internal static class AgentServerEndpointServices
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<SessionKeyCheck>();
        services.TryAddTransient<SessionKeyAuthenticationHandler>();   // resolved from DI per request, not by reflection
        services.AddAuthentication(o =>
        {
            if (!o.Schemes.Any(s => s.Name == SessionKeyAuthenticationHandler.Scheme))
            {
                o.AddScheme<SessionKeyAuthenticationHandler>(SessionKeyAuthenticationHandler.Scheme, "Session API key (X-Session-API-Key)");
            }
        });
        services.AddAuthorization();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AuthorizationOptions>, SessionKeyPolicy>());

        // The OpenAPI schemas are built from the app's JSON options: the wire's types get their snake_case names there
        // (only those types; the app's own keep its policy). Responses themselves are written with the wire's own options.
        services.Configure<JsonOptions>(o =>
        {
            if (!o.SerializerOptions.TypeInfoResolverChain.OfType<WireSchemaResolver>().Any())
            {
                o.SerializerOptions.TypeInfoResolverChain.Insert(0, new WireSchemaResolver());
            }
        });
        services.AddOpenApi(OpenApiSetup.DocumentName, OpenApiSetup.Configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, EndpointWarmup>());

        // The web console: a browser's GET / goes to /console/ (once MapOpenHandsAgentServer mapped it).
        services.TryAddSingleton<ConsoleMarker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, ConsoleRedirect>());
    }
}
