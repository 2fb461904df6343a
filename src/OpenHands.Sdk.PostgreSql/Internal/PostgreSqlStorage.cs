namespace OpenHands.Sdk.PostgreSql.Internal;

/// <summary>The configured database, or none (the file stores stay); owns the database and its pool.</summary>
/// <remarks>Both dispose forms: a container disposed synchronously must not fail on an async-only singleton.</remarks>
internal sealed class PostgreSqlStorage(PostgreSqlDatabase? database) : IAsyncDisposable, IDisposable
{
    public PostgreSqlDatabase? Database { get; } = database;

    public ValueTask DisposeAsync() => Database?.DisposeAsync() ?? ValueTask.CompletedTask;

    public void Dispose() => Database?.Dispose();
}
