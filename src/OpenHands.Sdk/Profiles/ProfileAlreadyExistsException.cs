namespace OpenHands.Sdk.Profiles;

/// <summary>A rename target already exists; nothing was changed.</summary>
public sealed class ProfileAlreadyExistsException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="ProfileAlreadyExistsException"/> class.</summary>
    public ProfileAlreadyExistsException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProfileAlreadyExistsException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ProfileAlreadyExistsException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProfileAlreadyExistsException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ProfileAlreadyExistsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProfileAlreadyExistsException"/> class for a taken name.</summary>
    /// <param name="name">The name that is taken.</param>
    public ProfileAlreadyExistsException(ProfileName name)
        : base($"LLM profile '{name}' already exists. Delete it first or choose another name.")
    {
        ProfileName = name;
    }

    /// <summary>Gets the name that is taken.</summary>
    public ProfileName? ProfileName { get; }
}
