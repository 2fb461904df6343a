namespace OpenHands.Sdk.Profiles;

/// <summary>
/// An agent profile is invalid: a field is missing, unknown or of the wrong type (<see cref="Problems"/> lists each), or
/// its <c>schema_version</c> is not one this SDK reads. Nothing was written.
/// </summary>
public sealed class InvalidAgentProfileException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidAgentProfileException"/> class.</summary>
    public InvalidAgentProfileException()
        : this("Invalid agent profile")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidAgentProfileException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidAgentProfileException(string message)
        : base(message)
    {
        Problems = [];
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidAgentProfileException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidAgentProfileException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Problems = [];
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidAgentProfileException"/> class for field problems.</summary>
    /// <param name="problems">Every problem found.</param>
    public InvalidAgentProfileException(IReadOnlyList<AgentProfileProblem> problems)
        : base("Invalid agent profile: " + string.Join("; ", (problems ?? []).Select(p => $"{string.Join('.', p.Location)}: {p.Message}")))
    {
        Problems = problems ?? [];
    }

    /// <summary>Gets the field problems; empty when the profile was refused as a whole (for example a newer <c>schema_version</c>).</summary>
    public IReadOnlyList<AgentProfileProblem> Problems { get; }
}
