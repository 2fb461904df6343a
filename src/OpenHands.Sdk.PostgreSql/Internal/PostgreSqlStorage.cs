namespace OpenHands.Sdk.PostgreSql.Internal;

/// <summary>The configured database, or none (the file stores stay); owns the database and its pool.</summary>
internal sealed class PostgreSqlStorage(PostgreSqlDatabase? database) : IAsyncDisposable
{
    public PostgreSqlDatabase? Database { get; } = database;

    public ValueTask DisposeAsync() => Database?.DisposeAsync() ?? ValueTask.CompletedTask;
}
