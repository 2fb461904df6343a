namespace OpenHands.Sdk.PostgreSql.Internal;

/// <summary>The transaction-level advisory locks that serialize one store's writes across instances (fixed numbers).</summary>
internal static class AdvisoryLocks
{
    public const long LlmProfiles = 0x4F48_5052_4F46_494C;   // "OHPROFIL"
    public const long ProviderConnections = 0x4F48_434F_4E4E_4543;   // "OHCONNEC"
}
