using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Tests.Agents.Tools;

/// <summary>A hand-written <see cref="ILlmSwitcher"/> that knows a fixed set of profiles and records every switch.</summary>
internal sealed class RecordingLlmSwitcher : ILlmSwitcher
{
    private readonly List<ProfileName> _profiles;

    public RecordingLlmSwitcher(params string[] profiles) => _profiles = [.. profiles.Select(ProfileName.Create)];

    public List<ProfileName> Switches { get; } = [];

    /// <summary>Gets or sets a failure to throw from <see cref="SwitchProfileAsync"/> instead of switching.</summary>
    public Exception? FailWith { get; set; }

    public Task<IReadOnlyList<ProfileName>> ListProfilesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ProfileName>>([.. _profiles]);

    public Task SwitchProfileAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        if (FailWith is not null)
        {
            return Task.FromException(FailWith);
        }

        if (!_profiles.Contains(name))
        {
            return Task.FromException(new ProfileNotFoundException(name, _profiles));
        }

        Switches.Add(name);
        return Task.CompletedTask;
    }
}
