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
}
