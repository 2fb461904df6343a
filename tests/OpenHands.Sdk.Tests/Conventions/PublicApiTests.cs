using System.Reflection;
using System.Text.RegularExpressions;
using OpenHands.Sdk.Llms;

namespace OpenHands.Sdk.Tests.Conventions;

/// <summary>
/// Convention tests: the public surface changes only on purpose (compared, with nullability and modifiers, with the
/// committed src/OpenHands.Sdk/PublicAPI.txt), and no public member holds a secret as a plain string.
/// </summary>
[Category("Conventions")]
public sealed partial class PublicApiTests
{
    private static readonly Assembly Sdk = typeof(Llm).Assembly;

    [Test]
    public void PublicApi_MatchesApprovedListing() => PublicApiApproval.Verify(Sdk, "OpenHands.Sdk");

    [Test]
    public void PostgreSqlPublicApi_MatchesApprovedListing() =>
        PublicApiApproval.Verify(typeof(OpenHands.Sdk.PostgreSql.PostgreSqlDatabase).Assembly, "OpenHands.Sdk.PostgreSql");

    // Options are bound from IConfiguration, which supplies strings; the value is turned into a Cipher at start-up
    // and never serialized or logged.
    // Key configuration (the text a host reads from its environment), not stored secrets.
    private static readonly string[] AllowedStringSecrets = ["OpenHandsOptions.SecretKey", "OpenHandsOptions.PreviousSecretKey"];

    [Test]
    public void PublicTypes_HaveNoPlainStringSecretProperties()
    {
        var offenders = Sdk.GetExportedTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Select(p => (t, p)))
            .Where(x => x.p.PropertyType == typeof(string) && SecretName().IsMatch(x.p.Name))
            .Select(x => $"{x.t.Name}.{x.p.Name}")
            .Except(AllowedStringSecrets);

        offenders.Should().BeEmpty("secrets must be typed as SecretString");
    }

    [Test]
    public void PublicTypes_AreSealedOrAbstractOrStatic()
    {
        var open = Sdk.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract && t != typeof(OpenHandsException) && t != typeof(StoreConflictException))   // a store's own conflicts derive from it (a lost conversation lease)
            .Select(t => t.FullName);

        open.Should().BeEmpty("types are sealed unless they are meant to be extended");
    }

    [GeneratedRegex("(ApiKey|SecretKey|AccessKey|KeyId|Token|Secret|Password)$")]
    private static partial Regex SecretName();
}
