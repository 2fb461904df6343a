namespace OpenHands.Sdk;

/// <summary>
/// Where OpenHands keeps its files, resolved the same way by the SDK, the agent server and the CLI (and as the Python
/// SDK and CLI resolve them): the persistence folder, the profiles folder, the agent server's conversations and
/// workspaces folders.
/// </summary>
/// <remarks>
/// Every method takes an optional environment reader, so a host can resolve paths from an environment of its own (a
/// command's, a test's) instead of the process's. Relative paths are made absolute; <c>~</c> is the user's home folder.
/// </remarks>
public static class OpenHandsPaths
{
    /// <summary>The variable that names the profiles folder: <c>OH_LLM_PROFILES_PATH</c>.</summary>
    public const string ProfilesPathVariable = "OH_LLM_PROFILES_PATH";

    /// <summary>The variable that names the persistence folder: <c>OH_PERSISTENCE_DIR</c>.</summary>
    public const string PersistenceDirVariable = "OH_PERSISTENCE_DIR";

    /// <summary>The variable that names the agent server's conversations folder: <c>OH_CONVERSATIONS_PATH</c>.</summary>
    public const string ConversationsPathVariable = "OH_CONVERSATIONS_PATH";

    /// <summary>The variable that names the agent server's workspace root: <c>OH_WORKSPACE_PATH</c>.</summary>
    public const string WorkspacePathVariable = "OH_WORKSPACE_PATH";

    /// <summary>The variable that names the agent server's bash events folder: <c>OH_BASH_EVENTS_DIR</c>.</summary>
    public const string BashEventsDirVariable = "OH_BASH_EVENTS_DIR";

    /// <summary>The persistence folder: explicit, else <c>OH_PERSISTENCE_DIR</c>, else <c>~/.openhands</c>.</summary>
    /// <param name="configured">An explicit folder; blank counts as absent.</param>
    /// <param name="environment">Reads an environment variable; the process environment by default.</param>
    /// <param name="baseDirectory">The folder a relative path is relative to; the current directory by default.</param>
    /// <exception cref="InvalidOperationException">No folder is given and the home folder is unknown.</exception>
    public static string PersistenceDirectory(string? configured, Func<string, string?>? environment = null, string? baseDirectory = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return Full(NonBlank(configured) ?? NonBlank(environment(PersistenceDirVariable)) ?? Path.Combine(Home(), ".openhands"), baseDirectory);
    }

    /// <summary>
    /// The user's home folder, whether or not it exists yet. Never empty: an unknown home would silently turn
    /// <c>~/.openhands</c> into a folder relative to wherever the process happens to run.
    /// </summary>
    /// <exception cref="InvalidOperationException">The home folder is unknown (<c>HOME</c> is not set).</exception>
    public static string Home()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(home)
            ? throw new InvalidOperationException(
                $"The home folder is unknown, so ~/.openhands cannot be found. Set HOME, or {PersistenceDirVariable} to the folder to keep profiles and settings in.")
            : home;
    }

    /// <summary>
    /// The profiles folder: explicit, else <c>OH_LLM_PROFILES_PATH</c>, else <c>$OH_PERSISTENCE_DIR/profiles</c>,
    /// else <c>~/.openhands/profiles</c> (the folder the Python CLI uses).
    /// </summary>
    /// <param name="configured">An explicit folder; blank counts as absent.</param>
    /// <param name="persistenceDirectory">The persistence folder, resolved by <see cref="PersistenceDirectory"/> when null.</param>
    /// <param name="environment">Reads an environment variable; the process environment by default.</param>
    /// <exception cref="InvalidOperationException">No folder is given and the home folder is unknown.</exception>
    public static string ProfilesDirectory(string? configured, string? persistenceDirectory = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return Full(NonBlank(configured) ?? NonBlank(environment(ProfilesPathVariable))
            ?? Path.Combine(PersistenceDirectory(persistenceDirectory, environment), "profiles"));
    }

    /// <summary>
    /// The provider connections folder: explicit, else <c>&lt;persistence folder&gt;/provider-connections</c> (where the
    /// Python agent-server keeps <c>provider_connections.json</c>).
    /// </summary>
    public static string ProviderConnectionsDirectory(string? configured, string? persistenceDirectory = null, Func<string, string?>? environment = null) =>
        Full(NonBlank(configured) ?? Path.Combine(PersistenceDirectory(persistenceDirectory, environment), "provider-connections"));

    /// <summary>
    /// The agent server's conversations folder: explicit, else <c>OH_CONVERSATIONS_PATH</c>, else
    /// <c>&lt;persistence folder&gt;/conversations</c> (never a folder relative to wherever the process runs).
    /// </summary>
    /// <param name="configured">An explicit folder; blank counts as absent.</param>
    /// <param name="persistenceDirectory">The persistence folder, resolved by <see cref="PersistenceDirectory"/> when null.</param>
    /// <param name="environment">Reads an environment variable; the process environment by default.</param>
    /// <exception cref="InvalidOperationException">No folder is given and the home folder is unknown.</exception>
    public static string ConversationsDirectory(string? configured, string? persistenceDirectory = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return Full(NonBlank(configured) ?? NonBlank(environment(ConversationsPathVariable))
            ?? Path.Combine(PersistenceDirectory(persistenceDirectory, environment), "conversations"));
    }

    /// <summary>
    /// The folder under which the agent server gives each conversation started without a workspace a folder of its own:
    /// <c>&lt;persistence folder&gt;/workspaces</c>.
    /// </summary>
    /// <param name="persistenceDirectory">The persistence folder, resolved by <see cref="PersistenceDirectory"/> when null.</param>
    /// <param name="environment">Reads an environment variable; the process environment by default.</param>
    /// <exception cref="InvalidOperationException">No folder is given and the home folder is unknown.</exception>
    public static string WorkspacesDirectory(string? persistenceDirectory = null, Func<string, string?>? environment = null) =>
        Path.Combine(PersistenceDirectory(persistenceDirectory, environment), "workspaces");

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string Full(string path, string? baseDirectory = null)
    {
        var expanded = path == "~" || path.StartsWith("~/", StringComparison.Ordinal) ? Home() + path[1..] : path;
        return baseDirectory is null ? Path.GetFullPath(expanded) : Path.GetFullPath(expanded, baseDirectory);
    }
}
