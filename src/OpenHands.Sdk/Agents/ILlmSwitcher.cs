using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Agents;

/// <summary>Switches a running conversation to another LLM profile (implemented by the conversation).</summary>
public interface ILlmSwitcher
{
    /// <summary>Lists the profiles the conversation can switch to.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile names.</returns>
    Task<IReadOnlyList<ProfileName>> ListProfilesAsync(CancellationToken cancellationToken = default);

    /// <summary>Switches to a profile; it is used from the next LLM call on.</summary>
    /// <param name="name">The profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the switch is persisted.</returns>
    /// <exception cref="ProfileNotFoundException">The profile does not exist.</exception>
    Task SwitchProfileAsync(ProfileName name, CancellationToken cancellationToken = default);
}
