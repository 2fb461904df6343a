namespace OpenHands.Sdk.Profiles;

/// <summary>Options of one <see cref="ILlmProfileStore.SaveAsync"/> call.</summary>
public sealed class ProfileSaveOptions
{
    /// <summary>Gets or sets whether secrets are stored (encrypted when the store has a cipher, plaintext otherwise).</summary>
    /// <value>The default is <see langword="true"/>. With <see langword="false"/> secrets are written as <c>**********</c> and read back as absent.</value>
    public bool IncludeSecrets { get; set; } = true;

    /// <summary>Gets or sets the most profiles the store may hold; overwriting an existing profile is always allowed.</summary>
    /// <value>The default is <see langword="null"/>: no limit.</value>
    public int? MaxProfiles { get; set; }

    /// <summary>Gets or sets whether the save only creates: a profile of that name that already exists is left as it is.</summary>
    /// <value>
    /// The default is <see langword="false"/>: an existing profile is overwritten. With <see langword="true"/> the store checks
    /// and writes under its lock, so of two processes creating the same name at once exactly one succeeds and the other gets
    /// <see cref="ProfileAlreadyExistsException"/>.
    /// </value>
    public bool CreateOnly { get; set; }
}
