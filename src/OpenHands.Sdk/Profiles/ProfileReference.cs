namespace OpenHands.Sdk.Profiles;

/// <summary>
/// A reference to an LLM profile by name: what settings, conversation state and requests hold instead of an LLM.
/// </summary>
/// <remarks>
/// A reference carries no configuration and no secret; <see cref="ProfileResolver"/> turns it into an
/// <see cref="Llms.Llm"/> when a live LLM is needed, so an edited profile or a rotated key takes effect then.
/// </remarks>
/// <param name="Name">The profile's name.</param>
public sealed record ProfileReference(ProfileName Name)
{
    /// <summary>Creates a reference from a profile name given as text.</summary>
    /// <param name="name">The name; one trailing <c>.json</c> is stripped.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name.</exception>
    public static ProfileReference Create(string name) => new(ProfileName.Create(name));

    /// <summary>Returns the profile's name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name.ToString();
}
