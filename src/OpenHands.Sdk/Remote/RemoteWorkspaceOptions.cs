using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Remote;

/// <summary>Options of a <see cref="RemoteWorkspace"/>: where the agent server is, how to authenticate, how to retry.</summary>
/// <remarks>
/// <see cref="RemoteWorkspace"/> copies the values when it is constructed, so changing the options afterwards changes nothing.
/// The retry defaults follow the Python SDK's remote workspace: 3 attempts, waiting 1 s and then 2 s.
/// </remarks>
public sealed class RemoteWorkspaceOptions
{
    /// <summary>Gets or sets the agent server's root URL, such as <c>http://127.0.0.1:8000</c>.</summary>
    /// <value>Required: an absolute <c>http</c> or <c>https</c> URL. A path (for a server behind a prefix) is kept.</value>
    public Uri? BaseAddress { get; set; }

    /// <summary>Gets or sets the session API key sent as <c>X-Session-API-Key</c> on every request and on the event websocket.</summary>
    /// <value>The default is <see langword="null"/>: no header, for a server without session keys.</value>
    public SecretString? SessionApiKey { get; set; }

    /// <summary>Gets or sets how many times an idempotent request is tried in all (the first attempt included).</summary>
    /// <value>The default is 3. Must be between 1 and 10.</value>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets the wait before the first retry; each further retry waits twice as long.</summary>
    /// <value>The default is 1 second (so 1 s, then 2 s). Must not be negative.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long one attempt of one request may take before it counts as a (retryable) timeout.</summary>
    /// <value>The default is 60 seconds. Must be between 10 milliseconds and 24 hours, or <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the wait before the event websocket reconnects the first time; it doubles per failed attempt.</summary>
    /// <value>The default is 1 second. Must not be negative.</value>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between two websocket reconnect attempts.</summary>
    /// <value>The default is 30 seconds. Must not be shorter than <see cref="ReconnectDelay"/>.</value>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how often <see cref="RemoteConversation.RunAsync"/> asks the server whether a run has ended.</summary>
    /// <value>The default is 250 milliseconds. Must be positive.</value>
    public TimeSpan StatusPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Checks the options and returns every problem, or an empty list.</summary>
    internal List<string> Validate()
    {
        var errors = new List<string>();
        if (BaseAddress is null)
        {
            errors.Add("RemoteWorkspaceOptions.BaseAddress is required: the agent server's URL, such as http://127.0.0.1:8000.");
        }
        else if (!BaseAddress.IsAbsoluteUri || (BaseAddress.Scheme != Uri.UriSchemeHttp && BaseAddress.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"RemoteWorkspaceOptions.BaseAddress must be an absolute http or https URL (it is '{BaseAddress}').");
        }

        if (MaxAttempts is < 1 or > 10)
        {
            errors.Add($"RemoteWorkspaceOptions.MaxAttempts must be between 1 and 10 (it is {MaxAttempts}).");
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            errors.Add($"RemoteWorkspaceOptions.RetryDelay must not be negative (it is {RetryDelay}).");
        }

        if (AttemptTimeout != Timeout.InfiniteTimeSpan && (AttemptTimeout < TimeSpan.FromMilliseconds(10) || AttemptTimeout > TimeSpan.FromHours(24)))
        {
            errors.Add($"RemoteWorkspaceOptions.AttemptTimeout must be between 10 ms and 24 h, or Timeout.InfiniteTimeSpan (it is {AttemptTimeout}).");
        }

        if (ReconnectDelay < TimeSpan.Zero)
        {
            errors.Add($"RemoteWorkspaceOptions.ReconnectDelay must not be negative (it is {ReconnectDelay}).");
        }

        if (MaxReconnectDelay < ReconnectDelay)
        {
            errors.Add($"RemoteWorkspaceOptions.MaxReconnectDelay ({MaxReconnectDelay}) must not be shorter than ReconnectDelay ({ReconnectDelay}).");
        }

        if (StatusPollInterval <= TimeSpan.Zero)
        {
            errors.Add($"RemoteWorkspaceOptions.StatusPollInterval must be positive (it is {StatusPollInterval}).");
        }

        return errors;
    }
}
