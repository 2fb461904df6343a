namespace OpenHands.Sdk.Profiles;

/// <summary>Saving a new profile would pass the store's profile limit; nothing was written.</summary>
public sealed class ProfileLimitExceededException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="ProfileLimitExceededException"/> class.</summary>
    public ProfileLimitExceededException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProfileLimitExceededException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ProfileLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProfileLimitExceededException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ProfileLimitExceededException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProfileLimitExceededException"/> class.</summary>
    /// <param name="name">The profile that was not saved.</param>
    /// <param name="limit">The limit.</param>
    public ProfileLimitExceededException(ProfileName name, int limit)
        : base($"Profile limit reached ({limit}): LLM profile '{name}' was not saved. Delete a profile you no longer use, or overwrite an existing one.")
    {
        ProfileName = name;
        Limit = limit;
    }

    /// <summary>Gets the profile that was not saved.</summary>
    public ProfileName? ProfileName { get; }

    /// <summary>Gets the most profiles the store holds.</summary>
    public int Limit { get; }
}
