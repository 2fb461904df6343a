using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Profiles;

/// <summary>
/// Stores provider connections: shared credentials that LLM profiles refer to by id and that <see cref="ProfileResolver"/>
/// reads each time it resolves a linked profile.
/// </summary>
/// <remarks>
/// Every method reads the store afresh (nothing is cached), so a key changed by another process applies on the next
/// resolve. Implementations are thread-safe.
/// </remarks>
public interface IProviderConnectionStore
{
    /// <summary>Lists the connections in stored order.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The connections, keys decrypted.</returns>
    /// <exception cref="InvalidProviderConnectionsException">The store cannot be read.</exception>
    /// <exception cref="SecretDecryptionException">A key cannot be decrypted with the configured keys.</exception>
    Task<IReadOnlyList<ProviderConnection>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets one connection.</summary>
    /// <param name="id">The connection's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The connection, or <see langword="null"/> when there is none with that id.</returns>
    /// <exception cref="InvalidProviderConnectionsException">The store cannot be read.</exception>
    /// <exception cref="SecretDecryptionException">A key cannot be decrypted with the configured keys.</exception>
    Task<ProviderConnection?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Creates a connection with a new id (32 lower-case hex digits).</summary>
    /// <param name="displayName">The human-facing name, 1-128 characters.</param>
    /// <param name="provider">The provider, 1-128 characters (for example <see cref="ProviderConnection.DefaultProvider"/>).</param>
    /// <param name="apiKey">The key.</param>
    /// <param name="baseUrl">The base URL linked profiles use, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored connection.</returns>
    /// <exception cref="ArgumentException">A name is blank or too long, or the base URL is longer than 2048 characters.</exception>
    /// <exception cref="ProfileLimitExceededException">The store is full; nothing was written.</exception>
    /// <exception cref="StoreBusyException">The lock was not free in time.</exception>
    Task<ProviderConnection> CreateAsync(string displayName, string provider, SecretString apiKey, string? baseUrl, CancellationToken cancellationToken = default);

    /// <summary>Changes a connection under the store's lock; <see cref="ProviderConnection.UpdatedAt"/> becomes now.</summary>
    /// <param name="id">The connection's id.</param>
    /// <param name="update">Returns the new record from the current one; its id and creation time are kept.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored connection.</returns>
    /// <exception cref="ProviderConnectionNotFoundException">There is no such connection.</exception>
    /// <exception cref="StoreBusyException">The lock was not free in time.</exception>
    Task<ProviderConnection> UpdateAsync(string id, Func<ProviderConnection, ProviderConnection> update, CancellationToken cancellationToken = default);

    /// <summary>Deletes a connection that no LLM profile refers to.</summary>
    /// <param name="id">The connection's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The deleted record.</returns>
    /// <exception cref="ProviderConnectionNotFoundException">There is no such connection.</exception>
    /// <exception cref="ProviderConnectionInUseException">LLM profiles refer to it; nothing was changed.</exception>
    /// <exception cref="StoreBusyException">The lock was not free in time.</exception>
    Task<ProviderConnection> DeleteAsync(string id, CancellationToken cancellationToken = default);
}
