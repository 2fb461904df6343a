using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpenHands.Sdk.Security.Internal;

namespace OpenHands.AgentServer.Internal;

/// <summary>Fills <see cref="AgentServerOptions"/> from the <c>AgentServer</c> section and the reference's environment variables.</summary>
internal sealed class AgentServerConfiguration(IServiceProvider services) : IConfigureOptions<AgentServerOptions>
{
    public void Configure(AgentServerOptions options)
    {
        if (services.GetService(typeof(IConfiguration)) is not IConfiguration configuration)
        {
            return;
        }

        var section = configuration.GetSection("AgentServer");
        options.SecretKey = section["SecretKey"] ?? options.SecretKey;
        options.PersistenceDirectory = section["PersistenceDirectory"] ?? options.PersistenceDirectory;
        options.ConversationsPath = section["ConversationsPath"] ?? options.ConversationsPath;
        if (long.TryParse(section["MaxRequestBodyBytes"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var max) && max > 0)
        {
            options.MaxRequestBodyBytes = max;
        }

        if (int.TryParse(section["MaxProfiles"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var profiles) && profiles > 0)
        {
            options.MaxProfiles = profiles;
        }

        // The Python agent-server's environment variables win over appsettings. Session keys from the environment come
        // first, SESSION_API_KEY before OH_SESSION_API_KEYS_0: the first one is the fallback secret key, as there.
        options.PersistenceDirectory = NonEmpty(configuration["OH_PERSISTENCE_DIR"]) ?? options.PersistenceDirectory;
        options.SecretKey = NonEmpty(configuration[SecretKeySource.SecretKeyVariable]) ?? options.SecretKey;
        options.ConversationsPath = NonEmpty(configuration["OH_CONVERSATIONS_PATH"]) ?? options.ConversationsPath;
        AddKey(options, configuration[SecretKeySource.SessionKeyVariable]);
        for (var i = 0; ; i++)
        {
            var value = configuration["OH_SESSION_API_KEYS_" + i.ToString(CultureInfo.InvariantCulture)];
            if (value is null)
            {
                break;
            }

            AddKey(options, value);
        }

        foreach (var key in section.GetSection("SessionApiKeys").GetChildren())
        {
            AddKey(options, key.Value);
        }
    }

    /// <summary>
    /// The SDK's one rule (<see cref="SecretKeySource"/>) over the options, which already hold the environment's values:
    /// <c>OH_SECRET_KEY</c> (or <see cref="AgentServerOptions.SecretKey"/>), else the first session key, else none.
    /// </summary>
    public static string? EffectiveSecretKey(AgentServerOptions options) =>
        SecretKeySource.Resolve(options.SecretKey, static _ => null, options.SessionApiKeys);

    private static void AddKey(AgentServerOptions options, string? key)
    {
        if (!string.IsNullOrEmpty(key) && !options.SessionApiKeys.Contains(key))
        {
            options.SessionApiKeys.Add(key);
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
