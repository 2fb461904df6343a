using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Mcp.Internal;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Conversations;

/// <summary>Switching the conversation's LLM: by profile reference, and the obsolete raw switch that materializes first.</summary>
public sealed partial class Conversation
{
    /// <summary>
    /// Switches the agent to another LLM profile, read fresh through the factory's resolver; the reference is persisted.
    /// No profile is written.
    /// </summary>
    /// <param name="name">The profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the switch is persisted and announced with a state-update event.</returns>
    /// <exception cref="ProfileNotFoundException">The profile does not exist; nothing changed.</exception>
    /// <exception cref="InvalidProfileException">The profile cannot be read; nothing changed.</exception>
    /// <exception cref="Security.SecretDecryptionException">The profile's key cannot be decrypted; nothing changed.</exception>
    /// <exception cref="InvalidOperationException">The conversation's factory has no profile store.</exception>
    /// <exception cref="InvalidConversationException">The conversation is damaged (see <see cref="Damage"/>), so read-only; nothing changed.</exception>
    public async Task SwitchProfileAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _persistence.ThrowIfDamaged();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _llm.SwitchProfileAsync(name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Switches the agent to another LLM profile by name.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the switch is persisted.</returns>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name.</exception>
    public Task SwitchProfileAsync(string name, CancellationToken cancellationToken = default) =>
        SwitchProfileAsync(ProfileName.Create(name), cancellationToken);

    /// <summary>
    /// Switches the agent to a raw LLM. Kept for compatibility: a persisted conversation materializes it into a profile
    /// first (through the factory's <see cref="ProfileMaterializer"/>) and then switches to that profile.
    /// </summary>
    /// <param name="llm">The LLM.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the switch is persisted.</returns>
    /// <exception cref="InvalidConversationException">The conversation is damaged (see <see cref="Damage"/>), so read-only; nothing changed.</exception>
    [Obsolete("Switch by profile with SwitchProfileAsync; a raw Llm is materialized into a profile first.")]
    public async Task SwitchLlmAsync(Llm llm, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(llm);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _persistence.ThrowIfDamaged();
        ProfileName? materialized;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            materialized = await _llm.SwitchRawAsync(llm, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        if (materialized is { } name)
        {
            await SwitchProfileAsync(name, cancellationToken).ConfigureAwait(false);
        }
    }
}
