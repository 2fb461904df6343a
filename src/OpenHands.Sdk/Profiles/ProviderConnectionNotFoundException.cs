namespace OpenHands.Sdk.Profiles;

/// <summary>A provider connection does not exist: asked for by id, or referred to by an LLM profile being resolved.</summary>
public sealed class ProviderConnectionNotFoundException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="ProviderConnectionNotFoundException"/> class.</summary>
    public ProviderConnectionNotFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderConnectionNotFoundException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ProviderConnectionNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderConnectionNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ProviderConnectionNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderConnectionNotFoundException"/> class.</summary>
    /// <param name="connectionId">The connection that does not exist.</param>
    /// <param name="profile">The LLM profile that refers to it, when one was being resolved.</param>
    public ProviderConnectionNotFoundException(string connectionId, ProfileName? profile)
        : base(profile is { } p
            ? $"Profile '{p}' references provider connection '{connectionId}', which does not exist. Update the profile or recreate the connection."
            : $"Provider connection '{connectionId}' not found")
    {
        ConnectionId = connectionId;
        ProfileName = profile;
    }

    /// <summary>Gets the connection that does not exist.</summary>
    public string? ConnectionId { get; }

    /// <summary>Gets the profile that refers to it, when known.</summary>
    public ProfileName? ProfileName { get; }
}
