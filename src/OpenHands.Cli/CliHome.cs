using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;

namespace OpenHands.Cli;

/// <summary>
/// The OpenHands folder a command works on (<c>--home</c>, else <c>OH_PERSISTENCE_DIR</c>, else <c>~/.openhands</c>)
/// and the SDK services over it: one profile store instance shared by every operation.
/// </summary>
internal sealed class CliHome : IAsyncDisposable
{
    public const string PersistenceDirVariable = "OH_PERSISTENCE_DIR";
    public const string SecretKeyVariable = "OH_SECRET_KEY";

    private readonly ServiceProvider _services;

    private CliHome(string directory, string? secretKey)
    {
        Directory = directory;
        Cipher = secretKey is null ? null : new Cipher(secretKey);
        _services = new ServiceCollection()
            .AddOpenHands(o =>
            {
                o.PersistenceDirectory = directory;
                o.ProfilesDirectory = Path.Combine(directory, "profiles");
                o.SecretKey = secretKey;
            })
            .Services.BuildServiceProvider();
        Profiles = _services.GetRequiredService<ILlmProfileStore>();
        Settings = _services.GetRequiredService<SettingsStore>();
        Materializer = _services.GetRequiredService<ProfileMaterializer>();
        Resolver = _services.GetRequiredService<ProfileResolver>();
    }

    public string Directory { get; }

    public Cipher? Cipher { get; }

    public ILlmProfileStore Profiles { get; }

    public SettingsStore Settings { get; }

    public ProfileMaterializer Materializer { get; }

    public ProfileResolver Resolver { get; }

    public string ProfilesDirectory => Path.Combine(Directory, "profiles");

    public string ConversationsDirectory => Path.Combine(Directory, "conversations");

    public string ProfilePath(ProfileName name) => Path.Combine(ProfilesDirectory, name.FileName);

    public static CliHome Open(string? home, CliIo io)
    {
        var directory = home ?? io.Env(PersistenceDirVariable)
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".openhands");
        if (directory.StartsWith('~'))
        {
            directory = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + directory[1..];
        }

        return new CliHome(Path.GetFullPath(directory, io.CurrentDirectory), io.Env(SecretKeyVariable));
    }

    /// <summary>
    /// Stops a command before the SDK would silently move a legacy embedded LLM out of <c>settings.json</c>:
    /// <c>openhands migrate</c> does that move and keeps a backup.
    /// </summary>
    public void EnsureNoLegacySettings()
    {
        var path = Settings.FilePath;
        if (File.Exists(path) && LegacyFiles.SettingsHasEmbeddedLlm(TryParse(path)))
        {
            throw CliException.Usage($"{path} still holds an LLM (legacy format). Fix: run 'openhands migrate' first; it moves the LLM into a profile and keeps a backup.");
        }
    }

    /// <summary>Returns the active profile, or null when none is set.</summary>
    public async Task<ProfileName?> GetActiveProfileAsync(CancellationToken cancellationToken)
    {
        EnsureNoLegacySettings();
        return (await Settings.LoadAsync(cancellationToken)).ActiveProfile;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private static JsonNode? TryParse(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllBytes(path));
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // the settings store reports a corrupt file with its own typed error
        }
    }
}
