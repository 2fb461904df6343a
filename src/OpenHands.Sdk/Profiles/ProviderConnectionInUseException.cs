namespace OpenHands.Sdk.Profiles;

/// <summary>A provider connection cannot be deleted: LLM profiles refer to it. Nothing was changed.</summary>
public sealed class ProviderConnectionInUseException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="ProviderConnectionInUseException"/> class.</summary>
    public ProviderConnectionInUseException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderConnectionInUseException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ProviderConnectionInUseException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderConnectionInUseException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ProviderConnectionInUseException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderConnectionInUseException"/> class.</summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="referrers">The LLM profiles that refer to it, sorted.</param>
    public ProviderConnectionInUseException(string connectionId, IReadOnlyList<ProfileName> referrers)
        : base($"Provider connection cannot be deleted while it is referenced by LLM profile(s): {string.Join(", ", referrers ?? [])}. "
               + "Update those references before deleting it.")
    {
        ConnectionId = connectionId;
        Referrers = referrers ?? [];
    }

    /// <summary>Gets the connection.</summary>
    public string? ConnectionId { get; }

    /// <summary>Gets the LLM profiles that refer to the connection.</summary>
    public IReadOnlyList<ProfileName> Referrers { get; } = [];
}
