namespace OpenHands.Sdk.Profiles;

/// <summary>An LLM profile cannot be deleted: agent profiles refer to it (<see cref="Referrers"/>). Nothing was changed.</summary>
public sealed class LlmProfileInUseException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="LlmProfileInUseException"/> class.</summary>
    public LlmProfileInUseException()
    {
        Referrers = [];
    }

    /// <summary>Initializes a new instance of the <see cref="LlmProfileInUseException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public LlmProfileInUseException(string message)
        : base(message)
    {
        Referrers = [];
    }

    /// <summary>Initializes a new instance of the <see cref="LlmProfileInUseException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public LlmProfileInUseException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Referrers = [];
    }

    /// <summary>Initializes a new instance of the <see cref="LlmProfileInUseException"/> class for the agent profiles that refer to a profile.</summary>
    /// <param name="referrers">The agent profiles' names, in file order.</param>
    public LlmProfileInUseException(IReadOnlyList<string> referrers)
        : base($"LLM profile is referenced by {referrers?.Count ?? 0} agent profile(s): {string.Join(", ", referrers ?? [])}. "
               + "Point them at another LLM profile (or delete them) first.")
    {
        Referrers = referrers ?? [];
    }

    /// <summary>Gets the names of the agent profiles that refer to the LLM profile.</summary>
    public IReadOnlyList<string> Referrers { get; }
}
