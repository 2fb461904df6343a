using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenHands.AgentServer.Tests.Runtime;
using OpenHands.Sdk.PostgreSql;
using OpenHands.Sdk.Profiles;

namespace OpenHands.AgentServer.Tests.ScaleOut;

/// <summary>How the server picks its stores: PostgreSQL when OH_DATABASE_URL or ConnectionStrings:OpenHands is set, files otherwise.</summary>
[Category("PostgreSql")]
[Parallelizable(ParallelScope.All)]
public sealed class DatabaseSelectionTests
{
    [Test]
    public async Task NoDatabase_KeepsTheFileStores()
    {
        using var dir = TempDirectory.Create();
        await using var host = await RuntimeHost.StartAsync(new Dictionary<string, string?> { ["OH_PERSISTENCE_DIR"] = dir.Path });

        host.Services.GetRequiredService<ILlmProfileStore>().Should().BeOfType<LlmProfileStore>();
        host.Services.GetRequiredService<IProviderConnectionStore>().Should().BeOfType<ProviderConnectionStore>();
    }

    [TestCase("OH_DATABASE_URL")]
    [TestCase("ConnectionStrings:OpenHands")]
    public async Task DatabaseSetting_SelectsThePostgreSqlStoresAndMigratesAtStart(string key)
    {
        await using var database = await TestDatabase.CreateAsync();
        using var dir = TempDirectory.Create();
        var value = key == "OH_DATABASE_URL" ? database.Url : database.ConnectionString;
        await using var host = await RuntimeHost.StartAsync(new Dictionary<string, string?> { ["OH_PERSISTENCE_DIR"] = dir.Path, [key] = value });

        host.Services.GetRequiredService<IOptions<AgentServerOptions>>().Value.DatabaseUrl.Should().Be(value);
        host.Services.GetRequiredService<ILlmProfileStore>().Should().BeOfType<PostgreSqlLlmProfileStore>();
        host.Services.GetRequiredService<IProviderConnectionStore>().Should().BeOfType<PostgreSqlProviderConnectionStore>();
        (await database.QueryAsync("SELECT max(version) FROM schema_version")).Single().Should().Be(
            PostgreSqlDatabase.LatestSchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), "the schema is migrated before the first request");
    }

    [Test]
    public async Task BadDatabaseUrl_StopsTheStartNamingTheSettingNotThePassword()
    {
        using var dir = TempDirectory.Create();
        var configuration = new Dictionary<string, string?> { ["OH_PERSISTENCE_DIR"] = dir.Path, ["OH_DATABASE_URL"] = "mysql://app:pw-test-hidden@db/openhands" };

        var act = () => RuntimeHost.StartAsync(configuration);

        var error = (await act.Should().ThrowAsync<OptionsValidationException>()).Which;
        error.Message.Should().Contain("OH_DATABASE_URL").And.Contain("scheme").And.NotContain("pw-test-hidden");
    }
}
