namespace OpenHands.Sdk.Profiles.Internal;

/// <summary>
/// The one guard of the agent profile → LLM profile reference (by name): a referenced LLM profile cannot be deleted, and
/// renaming one rewrites every reference. Both run under the agent-profile lock, then the LLM-profile lock (the Python
/// lock order), so no agent profile can start referring to a profile while it goes.
/// </summary>
internal static class LlmProfileReferences
{
    /// <summary>The names of the OpenHands agent profiles that refer to <paramref name="llmProfile"/>, in name order.</summary>
    public static async Task<IReadOnlyList<string>> ReferrersAsync(IAgentProfileStore agents, ProfileName llmProfile, CancellationToken cancellationToken) =>
        [.. (await agents.ListAsync(cancellationToken).ConfigureAwait(false))
            .Where(p => p.Kind == AgentProfileKind.OpenHands && string.Equals(p.LlmProfileRef, llmProfile.Value, StringComparison.Ordinal))
            .Select(p => p.Name.Value)];

    /// <exception cref="LlmProfileInUseException">An agent profile refers to it; nothing was deleted.</exception>
    public static async Task<bool> DeleteAsync(IAgentProfileStore agents, ILlmProfileStore llms, ProfileName name, CancellationToken cancellationToken) =>
        await llms.ExistsAsync(name, cancellationToken).ConfigureAwait(false) && await agents.WithLockAsync(
            async () =>
            {
                var referrers = await ReferrersAsync(agents, name, cancellationToken).ConfigureAwait(false);
                return referrers.Count > 0
                    ? throw new LlmProfileInUseException(referrers)
                    : await llms.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

    /// <summary>Renames the LLM profile first (so a failure changes no reference), then every agent profile that named it.</summary>
    /// <remarks>A missing profile fails before any lock is taken (a rejected request leaves no lock file behind).</remarks>
    public static async Task<int> RenameAsync(IAgentProfileStore agents, ILlmProfileStore llms, ProfileName name, ProfileName newName, CancellationToken cancellationToken)
    {
        if (!await llms.ExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            throw new ProfileNotFoundException(name, await llms.ListAsync(cancellationToken).ConfigureAwait(false));
        }

        return await agents.WithLockAsync(
            async () =>
            {
                await llms.RenameAsync(name, newName, cancellationToken).ConfigureAwait(false);
                var rewritten = 0;
                foreach (var profile in await agents.ListAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (profile.Kind == AgentProfileKind.OpenHands && string.Equals(profile.LlmProfileRef, name.Value, StringComparison.Ordinal))
                    {
                        await agents.WriteLockedAsync(profile.With(llmProfileRef: newName.Value), cancellationToken).ConfigureAwait(false);   // id and revision kept, as in the Python SDK
                        rewritten++;
                    }
                }

                return rewritten;
            },
            cancellationToken).ConfigureAwait(false);
    }
}
