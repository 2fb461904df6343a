namespace OpenHands.Sdk.PostgreSql.Internal;

/// <summary>The transaction-level advisory locks that serialize one store's writes across instances (fixed numbers).</summary>
internal static class AdvisoryLocks
{
    public const long LlmProfiles = 0x4F48_5052_4F46_494C;   // "OHPROFIL"
    public const long ProviderConnections = 0x4F48_434F_4E4E_4543;   // "OHCONNEC"
    public const long Settings = 0x4F48_5345_5454_494E;   // "OHSETTIN"
    public const long AgentProfiles = 0x4F48_4147_454E_5450;   // "OHAGENTP"
}
