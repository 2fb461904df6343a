using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpenHands.Sdk;
using OpenHands.Sdk.PostgreSql;
using OpenHands.Sdk.Security;

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

    /// <summary>The bindable settings: the public properties of <see cref="AgentServerOptions"/>.</summary>
    private static readonly System.Reflection.PropertyInfo[] Settings =
        [.. typeof(AgentServerOptions).GetProperties().Where(p => p.CanWrite || p.Name == nameof(AgentServerOptions.SessionApiKeys))];

    /// <summary>The environment variable of <see cref="AgentServerOptions.InstanceUrl"/>.</summary>
    public const string InstanceUrlVariable = "OH_INSTANCE_URL";

    public void Configure(AgentServerOptions options)
    {
        if (services.GetService(typeof(IConfiguration)) is not IConfiguration configuration)
        {
            return;
        }

        BindSection(configuration.GetSection(SectionName), options);
        options.PersistenceDirectory = NonEmpty(configuration[OpenHandsPaths.PersistenceDirVariable]) ?? options.PersistenceDirectory;
        options.ConversationsPath = NonEmpty(configuration[OpenHandsPaths.ConversationsPathVariable]) ?? options.ConversationsPath;
        options.WorkspacePath = NonEmpty(configuration[OpenHandsPaths.WorkspacePathVariable]) ?? options.WorkspacePath;
        options.BashEventsPath = NonEmpty(configuration[OpenHandsPaths.BashEventsDirVariable]) ?? options.BashEventsPath;
        options.SecretKey = NonEmpty(configuration[SecretKeySource.SecretKeyVariable]) ?? options.SecretKey;
        options.PreviousSecretKey = NonEmpty(configuration[SecretKeySource.PreviousKeyVariable]) ?? options.PreviousSecretKey;
        options.DatabaseUrl = NonEmpty(configuration[PostgreSqlConnectionString.DatabaseUrlVariable])
            ?? NonEmpty(configuration.GetConnectionString(PostgreSqlConnectionString.ConnectionStringName))
            ?? options.DatabaseUrl;
        options.InstanceUrl = NonEmpty(configuration[InstanceUrlVariable]) ?? options.InstanceUrl;

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
    /// Binds each setting of the section with the configuration binder, one at a time, so that one bad value does not
    /// hide the next: an unknown key or a value the binder cannot convert is kept in
    /// <see cref="AgentServerOptions.ConfigurationErrors"/> and the setting keeps its default.
    /// </summary>
    private static void BindSection(IConfigurationSection section, AgentServerOptions options)
    {
        foreach (var setting in section.GetChildren())
        {
            var property = Settings.FirstOrDefault(p => string.Equals(p.Name, setting.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                options.ConfigurationErrors.Add(
                    $"{setting.Path} is not a setting of the agent server. Fix: remove it, or use one of {string.Join(", ", Settings.Select(p => p.Name))}.");
                continue;
            }

            try
            {
                if (property.Name == nameof(AgentServerOptions.SessionApiKeys))
                {
                    foreach (var key in setting.Get<List<string?>>() ?? [])
                    {
                        options.SessionApiKeys.Add(key ?? string.Empty);
                    }
                }
                else if (setting.Value is not null || setting.GetChildren().Any())
                {
                    property.SetValue(options, setting.Get(property.PropertyType));
                }
            }
            catch (InvalidOperationException e)
            {
                options.ConfigurationErrors.Add($"{setting.Path} cannot be bound: {e.Message} Fix: give a value of type {property.PropertyType.Name}, or remove the setting for the default.");
            }
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

    /// <summary>Whether an environment variable holds one of the server's keys (commands and git never see them).</summary>
    public static bool IsKeyVariable(string name) =>
        name is SecretKeySource.SessionKeyVariable or SecretKeySource.SecretKeyVariable || name.StartsWith(SessionKeysPrefix, StringComparison.Ordinal);

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
