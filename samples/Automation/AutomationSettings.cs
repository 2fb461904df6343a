namespace OpenHands.Samples.Automation;

/// <summary>Where the agent server is and which LLM profile the run uses, read from the environment.</summary>
/// <param name="ServerUrl">The agent server's root URL (<c>OH_AGENT_SERVER_URL</c>; <c>http://127.0.0.1:8000</c> when unset).</param>
/// <param name="SessionApiKey">The server's session key (<c>OH_SESSION_API_KEY</c>), or <see langword="null"/> for an open server.</param>
/// <param name="ProfileName">The LLM profile to run with (<c>AUTOMATION_MODEL</c>); a reference only.</param>
public sealed record AutomationSettings(string ServerUrl, string? SessionApiKey, string? ProfileName)
{
    /// <summary>The server URL used when <c>OH_AGENT_SERVER_URL</c> is unset.</summary>
    public const string DefaultServerUrl = "http://127.0.0.1:8000";

    /// <summary>Reads the settings from environment variables.</summary>
    /// <param name="read">Returns a variable's value, or <see langword="null"/> when unset (<see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    /// <returns>The settings; empty values count as unset.</returns>
    public static AutomationSettings FromEnvironment(Func<string, string?> read) => new(
        NonEmpty(read("OH_AGENT_SERVER_URL")) ?? DefaultServerUrl,
        NonEmpty(read("OH_SESSION_API_KEY")),
        NonEmpty(read("AUTOMATION_MODEL")));

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
