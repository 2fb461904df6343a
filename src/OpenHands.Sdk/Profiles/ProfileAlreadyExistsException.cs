namespace OpenHands.Sdk.Profiles;

/// <summary>
/// A profile name that had to be free, or to hold the given configuration, is taken: a rename target, a create-only save
/// (<see cref="ProfileSaveOptions.CreateOnly"/>), or a profile named to <see cref="ProfileMaterializer"/> that holds a
/// different configuration. Nothing was changed.
/// </summary>
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

    /// <summary>Initializes a new instance of the <see cref="ProfileAlreadyExistsException"/> class for a taken name, with a message that says what to do.</summary>
    /// <param name="name">The name that is taken.</param>
    /// <param name="message">The problem and the fix; never a secret.</param>
    public ProfileAlreadyExistsException(ProfileName name, string message)
        : base(message)
    {
        ProfileName = name;
    }

    /// <summary>Gets the name that is taken.</summary>
    public ProfileName? ProfileName { get; }
}
