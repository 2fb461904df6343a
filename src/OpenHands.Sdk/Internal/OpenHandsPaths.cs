namespace OpenHands.Sdk.Internal;

/// <summary>Where the SDK keeps its files, resolved the same way by every component (one rule, one place).</summary>
internal static class OpenHandsPaths
{
    public const string ProfilesPathVariable = "OH_LLM_PROFILES_PATH";
    public const string PersistenceDirVariable = "OH_PERSISTENCE_DIR";
    public const string SecretKeyVariable = "OH_SECRET_KEY";

    /// <summary>The persistence folder: explicit, else <c>OH_PERSISTENCE_DIR</c>, else <c>~/.openhands</c>.</summary>
    public static string PersistenceDirectory(string? configured, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return Full(NonBlank(configured) ?? NonBlank(environment(PersistenceDirVariable))
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".openhands"));
    }

    /// <summary>
    /// The profiles folder: explicit, else <c>OH_LLM_PROFILES_PATH</c>, else <c>$OH_PERSISTENCE_DIR/profiles</c>,
    /// else <c>~/.openhands/profiles</c> (the folder the Python CLI uses).
    /// </summary>
    public static string ProfilesDirectory(string? configured, string? persistenceDirectory = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return Full(NonBlank(configured) ?? NonBlank(environment(ProfilesPathVariable))
            ?? Path.Combine(PersistenceDirectory(persistenceDirectory, environment), "profiles"));
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string Full(string path) =>
        Path.GetFullPath(path.StartsWith('~') ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..] : path);
}
