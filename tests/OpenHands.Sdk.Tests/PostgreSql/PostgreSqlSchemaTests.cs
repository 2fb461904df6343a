using OpenHands.Sdk.PostgreSql;

namespace OpenHands.Sdk.Tests.PostgreSql;

[Parallelizable(ParallelScope.All)]
[Category("PostgreSql")]
public sealed class PostgreSqlSchemaTests
{
    [Test]
    public async Task MigrateAsync_FiveInstancesAtOnceOnANewDatabase_AllSucceedWithOneSchema()
    {
        await using var database = await TestDatabase.CreateAsync();
        var instances = Enumerable.Range(0, 5).Select(_ => new PostgreSqlDatabase(database.ConnectionString)).ToList();
        try
        {
            var versions = await Task.WhenAll(instances.Select(i => i.MigrateAsync()));

            versions.Should().AllBeEquivalentTo(PostgreSqlDatabase.LatestSchemaVersion);
            (await database.QueryAsync("SELECT version FROM schema_version ORDER BY version"))
                .Should().Equal(Enumerable.Range(1, PostgreSqlDatabase.LatestSchemaVersion).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            (await database.QueryAsync("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"))
                .Should().Equal("agent_profiles", "conversation_events", "conversation_leases", "conversations", "llm_profiles", "provider_connections", "schema_version", "settings");
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task MigrateAsync_Again_ChangesNothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var instance = new PostgreSqlDatabase(database.ConnectionString);
        await instance.MigrateAsync();
        var applied = await database.QueryAsync("SELECT applied_at FROM schema_version ORDER BY version");

        (await instance.MigrateAsync()).Should().Be(PostgreSqlDatabase.LatestSchemaVersion);

        (await database.QueryAsync("SELECT applied_at FROM schema_version ORDER BY version")).Should().Equal(applied);
    }

    [Test]
    public async Task MigrateAsync_DatabaseNewerThanThePackage_ThrowsAndChangesNothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var instance = new PostgreSqlDatabase(database.ConnectionString);
        await instance.MigrateAsync();
        await database.QueryAsync("INSERT INTO schema_version (version) VALUES (999) RETURNING version");

        var act = () => instance.MigrateAsync();

        var error = (await act.Should().ThrowAsync<UnsupportedSchemaVersionException>()).Which;
        error.Found.Should().Be(999);
        error.Message.Should().Contain("999").And.Contain("Upgrade");
    }

    [Test]
    public async Task FirstStatementOfAStore_MigratesTheSchema()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var instance = new PostgreSqlDatabase(database.ConnectionString);

        (await new PostgreSqlLlmProfileStore(instance).ListAsync()).Should().BeEmpty();

        (await database.QueryAsync("SELECT max(version) FROM schema_version")).Should().Equal(PostgreSqlDatabase.LatestSchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
