namespace OpenHands.Sdk.Profiles;

/// <summary>No agent profile has the name or id asked for.</summary>
public sealed class AgentProfileNotFoundException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="AgentProfileNotFoundException"/> class.</summary>
    public AgentProfileNotFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AgentProfileNotFoundException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public AgentProfileNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AgentProfileNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AgentProfileNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a name no agent profile has (the message every store uses).</summary>
    /// <param name="name">The name asked for.</param>
    /// <returns>The exception.</returns>
    public static AgentProfileNotFoundException ForName(ProfileName name) => new($"Agent profile '{name}' not found");

    /// <summary>No profile has the id <paramref name="id"/>.</summary>
    internal static AgentProfileNotFoundException ForId(string id) => new($"Agent profile with id '{id}' not found");
}
