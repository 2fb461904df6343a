namespace OpenHands.Sdk.Profiles;

/// <summary>An LLM profile does not exist, or no profile was named and none is active.</summary>
public sealed class ProfileNotFoundException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="ProfileNotFoundException"/> class.</summary>
    public ProfileNotFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProfileNotFoundException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ProfileNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProfileNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ProfileNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProfileNotFoundException"/> class for a missing profile.</summary>
    /// <param name="name">The missing profile.</param>
    /// <param name="available">The profiles that do exist.</param>
    public ProfileNotFoundException(ProfileName name, IReadOnlyCollection<ProfileName> available)
        : base($"LLM profile '{name}' not found. Available profiles: {(available.Count == 0 ? "none" : string.Join(", ", available))}. "
               + $"Create it with ILlmProfileStore.SaveAsync or 'openhands profiles add {name} --model <model>'.")
    {
        ProfileName = name;
        Available = available;
    }

    /// <summary>Gets the missing profile, or <see langword="null"/> when none was named and none is active.</summary>
    public ProfileName? ProfileName { get; private init; }

    /// <summary>Gets the profiles that existed when the error was raised.</summary>
    public IReadOnlyCollection<ProfileName> Available { get; } = [];

    /// <summary>Creates the error for "no profile named and no active profile".</summary>
    /// <param name="available">The profiles that do exist.</param>
    /// <returns>The exception.</returns>
    internal static ProfileNotFoundException NoActiveProfile(IReadOnlyCollection<ProfileName> available) => new(
        "No LLM profile was named and no profile is active. "
        + (available.Count == 0
            ? "Create one with ILlmProfileStore.SaveAsync (or ProfileMaterializer.MaterializeAsync for an Llm built in code) or 'openhands profiles add NAME --model MODEL', then activate it with SettingsStore.ActivateProfileAsync."
            : $"Name one of: {string.Join(", ", available)}, or activate one with SettingsStore.ActivateProfileAsync."),
        available);

    /// <summary>Creates the error for a profile an agent server reported missing, with the server's message.</summary>
    /// <param name="message">The message.</param>
    /// <param name="name">The missing profile, when known.</param>
    /// <returns>The exception.</returns>
    internal static ProfileNotFoundException FromServer(string message, ProfileName? name) => new(message, []) { ProfileName = name };

    private ProfileNotFoundException(string message, IReadOnlyCollection<ProfileName> available)
        : base(message) => Available = available;
}
