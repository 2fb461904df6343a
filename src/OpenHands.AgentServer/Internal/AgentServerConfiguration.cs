using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Security.Internal;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Fills <see cref="AgentServerOptions"/>: the <c>AgentServer</c> section through the configuration binder, then the
/// Python agent-server's environment variables (read from the host's configuration, which holds the process
/// environment), which win. What the binder rejects is kept for <see cref="AgentServerOptionsValidator"/>, so that one
/// message at start lists every problem.
/// </summary>
internal sealed class AgentServerConfiguration(IServiceProvider services) : IConfigureOptions<AgentServerOptions>
{
    public const string SectionName = "AgentServer";
    public const string SessionKeysPrefix = "OH_SESSION_API_KEYS_";

    public void Configure(AgentServerOptions options)
    {
        if (services.GetService(typeof(IConfiguration)) is not IConfiguration configuration)
        {
            return;
        }

        try
        {
            configuration.GetSection(SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            options.ConfigurationErrors.Add(
                $"The '{SectionName}' configuration section cannot be bound: {e.Message} Fix the setting (see docs/rest-api.md, Configuration), or remove it.");
        }

        options.PersistenceDirectory = NonEmpty(configuration[OpenHandsPaths.PersistenceDirVariable]) ?? options.PersistenceDirectory;
        options.ConversationsPath = NonEmpty(configuration[OpenHandsPaths.ConversationsPathVariable]) ?? options.ConversationsPath;
        options.SecretKey = NonEmpty(configuration[SecretKeySource.SecretKeyVariable]) ?? options.SecretKey;

        // Session keys from the environment come first, SESSION_API_KEY before OH_SESSION_API_KEYS_0: the first key is
        // the fallback secret key, as in the Python agent-server. The section's keys follow.
        var keys = new List<string>();
        AddKey(keys, configuration[SecretKeySource.SessionKeyVariable]);
        for (var i = 0; configuration[SessionKeysPrefix + i.ToString(CultureInfo.InvariantCulture)] is { } value; i++)
        {
            AddKey(keys, value);
        }

        foreach (var key in options.SessionApiKeys)
        {
            if (!keys.Contains(key))
            {
                keys.Add(key);   // blank ones too: the validator names them
            }
        }

        options.SessionApiKeys.Clear();
        foreach (var key in keys)
        {
            options.SessionApiKeys.Add(key);
        }
    }

    /// <summary>
    /// The SDK's one rule (<see cref="SecretKeySource"/>) over the options, which already hold the environment's values:
    /// <c>OH_SECRET_KEY</c> (or <see cref="AgentServerOptions.SecretKey"/>), else the first session key, else none.
    /// </summary>
    public static string? EffectiveSecretKey(AgentServerOptions options) =>
        SecretKeySource.Resolve(options.SecretKey, static _ => null, options.SessionApiKeys);

    private static void AddKey(List<string> keys, string? key)
    {
        if (!string.IsNullOrEmpty(key) && !keys.Contains(key))
        {
            keys.Add(key);
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
