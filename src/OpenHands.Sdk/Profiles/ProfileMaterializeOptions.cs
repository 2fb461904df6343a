namespace OpenHands.Sdk.Profiles;

/// <summary>How one <see cref="ProfileMaterializer.MaterializeAsync(Llms.Llm, ProfileMaterializeOptions, CancellationToken)"/> call stores an LLM.</summary>
public sealed class ProfileMaterializeOptions
{
    /// <summary>Gets or sets the profile to store the LLM in.</summary>
    /// <value>
    /// The default is <see langword="null"/>: the materializer picks the name (an equal profile, else <c>Default</c> when free,
    /// else a stable name derived from the LLM's content). A name given here is used when it is free or already holds an
    /// equal configuration; when it holds a different one the call fails unless <see cref="ReplaceExisting"/> is set.
    /// </value>
    public string? Name { get; set; }

    /// <summary>Gets or sets whether the profile named by <see cref="Name"/> is replaced when it holds a different configuration.</summary>
    /// <value>The default is <see langword="false"/>: a different stored profile is never replaced. Requires <see cref="Name"/>.</value>
    public bool ReplaceExisting { get; set; }
}
