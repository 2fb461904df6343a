using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;

namespace OpenHands.Cli;

/// <summary>
/// The OpenHands folder a command works on (<c>--home</c>, else <c>OH_PERSISTENCE_DIR</c>, else <c>~/.openhands</c>)
/// and the SDK services over it: one profile store instance shared by every operation. The cipher key follows the SDK's
/// one rule (<c>OH_SECRET_KEY</c>, else the agent server's session key), so the CLI reads what the server writes.
/// </summary>
internal sealed class CliHome : IAsyncDisposable
{
    public const string PersistenceDirVariable = "OH_PERSISTENCE_DIR";

    private readonly ServiceProvider _services;
    private readonly CliIo _io;

    private CliHome(string directory, string? secretKey, CliIo io)
    {
        Directory = directory;
        _io = io;
        Cipher = SecretKeySource.CreateCipher(secretKey, io.Env);   // with OH_SECRET_KEY_PREVIOUS, as the server
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(new CliLoggerFactory(io));

        _services = services
            .AddOpenHands(o =>
            {
                o.PersistenceDirectory = directory;
                o.ProfilesDirectory = Path.Combine(directory, "profiles");
                // The key comes from this command's environment alone (CliIo), never from the process's behind its back.
                o.SecretKey = secretKey;
                o.SecretKeyFromEnvironment = false;
            })
            .Services.BuildServiceProvider();
        Profiles = _services.GetRequiredService<ILlmProfileStore>();
        Settings = _services.GetRequiredService<ISettingsStore>();
        Materializer = _services.GetRequiredService<ProfileMaterializer>();
        Resolver = _services.GetRequiredService<ProfileResolver>();
        Connections = _services.GetRequiredService<IProviderConnectionStore>();
    }

    public string Directory { get; }

    public Cipher? Cipher { get; }

    public ILlmProfileStore Profiles { get; }

    public ISettingsStore Settings { get; }

    /// <summary>Gets the agent profile store, created on first use (it creates its folder).</summary>
    public IAgentProfileStore AgentProfiles => _services.GetRequiredService<IAgentProfileStore>();

    /// <summary>Gets the path of <c>settings.json</c> in this home.</summary>
    public string SettingsPath => Path.Combine(Directory, SettingsStore.FileName);

    public ProfileMaterializer Materializer { get; }

    public ProfileResolver Resolver { get; }

    /// <summary>Gets the logger factory: the SDK's warnings (an LLM retry included) as one stderr line each.</summary>
    public ILoggerFactory LoggerFactory => _services.GetRequiredService<ILoggerFactory>();
    public IProviderConnectionStore Connections { get; }

    /// <summary>Gets the environment this command reads (keys come from it, never from the process behind its back).</summary>
    public CliIo Io => _io;

    public string ProfilesDirectory => Path.Combine(Directory, "profiles");

    public string ConversationsDirectory => Path.Combine(Directory, "conversations");

    public string ProfilePath(ProfileName name) => Path.Combine(ProfilesDirectory, name.FileName);

    public static CliHome Open(string? home, CliIo io)
    {
        var directory = OpenHandsPaths.PersistenceDirectory(home, io.Env, io.CurrentDirectory);
        return new CliHome(directory, SecretKeySource.Resolve(null, io.Env), io);
    }

    /// <summary>
    /// Runs the SDK's one legacy-settings migration before a command: an LLM that a legacy <c>settings.json</c> embeds moves
    /// into a profile (the original kept in <c>settings.json.bak</c>), and one line on stderr says what moved where.
    /// </summary>
    public async Task MigrateLegacySettingsAsync(CancellationToken cancellationToken)
    {
        if (await Settings.MigrateLegacyAsync(cancellationToken) is { } migration)
        {
            _io.Note(migration.ToString());
        }
    }

    /// <summary>Returns the active profile, or null when none is set.</summary>
    public async Task<ProfileName?> GetActiveProfileAsync(CancellationToken cancellationToken) =>
        (await Settings.LoadAsync(cancellationToken)).ActiveProfile;

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
