using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Settings;

/// <summary>What <see cref="SettingsStore.MigrateLegacyAsync"/> did with the LLM a legacy <c>settings.json</c> embedded.</summary>
/// <param name="SettingsPath">The settings file, rewritten without the LLM.</param>
/// <param name="BackupPath">The untouched original (mode 0600 on Unix); it still holds the key as the legacy file did.</param>
/// <param name="Model">The LLM's model.</param>
/// <param name="Profile">The profile the LLM is in now, chosen by <see cref="ProfileMaterializer"/>'s policy.</param>
/// <param name="ProfileCreated"><see langword="true"/> when the profile was written; <see langword="false"/> when an equal profile was reused.</param>
/// <param name="ActiveProfile">The active profile after the migration.</param>
public sealed record LegacySettingsMigration(
    string SettingsPath, string BackupPath, string Model, ProfileName Profile, bool ProfileCreated, ProfileName ActiveProfile)
{
    /// <summary>Returns the one line that says what moved where (no secret).</summary>
    /// <returns>For example <c>Moved the LLM (openai/gpt-4o) embedded in /home/u/.openhands/settings.json into new profile 'Default' …</c>.</returns>
    public override string ToString() =>
        $"Moved the LLM ({Model}) embedded in {SettingsPath} into {(ProfileCreated ? "new" : "the equal existing")} profile '{Profile}'"
        + $"; active profile: '{ActiveProfile}'; the original file is kept in {BackupPath}.";
}
