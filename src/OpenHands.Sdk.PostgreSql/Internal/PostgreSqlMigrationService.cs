using Microsoft.Extensions.Hosting;

namespace OpenHands.Sdk.PostgreSql.Internal;

/// <summary>Migrates the schema when the host starts, so that a database the instance cannot use stops the start.</summary>
internal sealed class PostgreSqlMigrationService(PostgreSqlStorage storage) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (storage.Database is { } database)
        {
            await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
