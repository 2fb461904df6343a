namespace OpenHands.Sdk.Security;

/// <summary>
/// Where the key that encrypts secrets at rest comes from: one rule for the CLI, the agent server and every app using
/// <c>AddOpenHands</c>, the Python agent-server's rule, so that all of them read each other's files.
/// </summary>
public static class SecretKeySource
{
    /// <summary>The variable that names the key.</summary>
    public const string SecretKeyVariable = "OH_SECRET_KEY";

    /// <summary>
    /// The variable that names the key secrets were encrypted with before the current one: read (after the current key)
    /// but never written with, so a server rolls to a new key without downtime.
    /// </summary>
    public const string PreviousKeyVariable = "OH_SECRET_KEY_PREVIOUS";

    /// <summary>The agent server's legacy single session key, the first fallback.</summary>
    public const string SessionKeyVariable = "SESSION_API_KEY";

    /// <summary>The agent server's first listed session key, the second fallback.</summary>
    public const string FirstSessionKeyVariable = "OH_SESSION_API_KEYS_0";

    /// <summary>
    /// The key: <paramref name="configured"/>, else <c>OH_SECRET_KEY</c>, else <c>SESSION_API_KEY</c>, else
    /// <c>OH_SESSION_API_KEYS_0</c>, else the first of <paramref name="sessionKeys"/> (keys configured otherwise, such as
    /// the server's appsettings); <see langword="null"/> when there is none (secrets are then stored in plaintext).
    /// </summary>
    /// <param name="configured">An explicit key (an option); empty counts as absent.</param>
    /// <param name="environment">Reads an environment variable; the process environment by default.</param>
    /// <param name="sessionKeys">Session keys configured outside the environment.</param>
    /// <returns>The key, or <see langword="null"/>.</returns>
    public static string? Resolve(string? configured, Func<string, string?>? environment = null, IEnumerable<string>? sessionKeys = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return NonEmpty(configured)
            ?? NonEmpty(environment(SecretKeyVariable))
            ?? NonEmpty(environment(SessionKeyVariable))
            ?? NonEmpty(environment(FirstSessionKeyVariable))
            ?? sessionKeys?.FirstOrDefault(k => !string.IsNullOrEmpty(k));
    }

    /// <summary>
    /// The cipher for <see cref="Resolve"/>'s key, which also reads the previous key (<paramref name="previous"/>, else
    /// <c>OH_SECRET_KEY_PREVIOUS</c>), or <see langword="null"/> without a current key.
    /// </summary>
    /// <param name="configured">An explicit key (an option); empty counts as absent.</param>
    /// <param name="environment">Reads an environment variable; the process environment by default.</param>
    /// <param name="sessionKeys">Session keys configured outside the environment.</param>
    /// <param name="timeProvider">The clock of the tokens the cipher writes; the system clock by default.</param>
    /// <param name="previous">The previous key, readable during a rotation; <c>OH_SECRET_KEY_PREVIOUS</c> when absent.</param>
    /// <returns>The cipher, or <see langword="null"/> when no key is found (secrets are then stored in plaintext).</returns>
    public static Cipher? CreateCipher(
        string? configured, Func<string, string?>? environment = null, IEnumerable<string>? sessionKeys = null, TimeProvider? timeProvider = null,
        string? previous = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (Resolve(configured, environment, sessionKeys) is not { } key)
        {
            return null;
        }

        var old = NonEmpty(previous) ?? NonEmpty(environment(PreviousKeyVariable));
        return old is null ? new Cipher(key, timeProvider) : new Cipher(key, [old], timeProvider);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
