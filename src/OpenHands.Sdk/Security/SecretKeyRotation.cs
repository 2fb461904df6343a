using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Settings;

namespace OpenHands.Sdk.Security;

/// <summary>
/// Moves every stored secret (LLM profiles, provider connections, tokens in <c>settings.json</c>) from the current
/// <c>OH_SECRET_KEY</c> to a new key, leaving no copy under the old key.
/// </summary>
/// <remarks>
/// <para>
/// Every file is first read with the keys (the new key first, then the current one, then <see cref="SecretKeyRotationOptions.OtherKeys"/>),
/// before anything is written: a secret that no key opens stops the rotation with a <see cref="SecretDecryptionException"/>
/// naming it, and nothing has changed. Then each file is re-encrypted under its store's lock and replaced atomically, one
/// by one, so a rotation killed at any moment leaves every file whole and readable with the old key or the new one; run it
/// again (with the same keys) to finish: files already under the new key are skipped.
/// </para>
/// <para>
/// To roll a running server without downtime: restart it with <c>OH_SECRET_KEY=&lt;new&gt;</c> and
/// <c>OH_SECRET_KEY_PREVIOUS=&lt;old&gt;</c> (it reads both), run the rotation, then drop <c>OH_SECRET_KEY_PREVIOUS</c>.
/// </para>
/// </remarks>
public static class SecretKeyRotation
{
    /// <summary>Re-encrypts every stored secret with <see cref="SecretKeyRotationOptions.NewKey"/>.</summary>
    /// <param name="options">The folders and keys.</param>
    /// <param name="loggerFactory">Receives one line per rewritten file (paths, never values).</param>
    /// <param name="cancellationToken">Cancels between files; a file being replaced is finished or untouched.</param>
    /// <returns>How many files were rewritten and how many needed nothing.</returns>
    /// <exception cref="ArgumentException">A key is empty, or the new key equals the current one.</exception>
    /// <exception cref="SecretDecryptionException">A secret fits none of the keys; nothing was written.</exception>
    /// <exception cref="InvalidProfileException">A profile file is corrupt; nothing was written.</exception>
    /// <exception cref="InvalidProviderConnectionsException">The connections file is corrupt; nothing was written.</exception>
    /// <exception cref="StoreBusyException">A store's lock was not free in time.</exception>
    public static async Task<SecretKeyRotationResult> RotateAsync(
        SecretKeyRotationOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.CurrentKey, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.NewKey, nameof(options));
        if (options.NewKey == options.CurrentKey)
        {
            throw new ArgumentException("The new key equals the current key: choose a different new key.", nameof(options));
        }

        var read = new Cipher(options.NewKey, [options.CurrentKey, .. options.OtherKeys]);
        var target = new Cipher(options.NewKey);
        var persistence = OpenHandsPaths.PersistenceDirectory(options.PersistenceDirectory);
        var profiles = new LlmProfileStore(
            new LlmProfileStoreOptions { Directory = OpenHandsPaths.ProfilesDirectory(options.ProfilesDirectory, persistence), LockTimeout = options.LockTimeout },
            read, loggerFactory);
        var connections = new ProviderConnectionStore(
            new ProviderConnectionStoreOptions { Directory = OpenHandsPaths.ProviderConnectionsDirectory(null, persistence), LockTimeout = options.LockTimeout },
            read, null, loggerFactory);
        var settings = new SettingsStore(new SettingsStoreOptions { Directory = persistence, LockTimeout = options.LockTimeout }, profiles, read, loggerFactory);
        var logger = loggerFactory?.CreateLogger(typeof(SecretKeyRotation)) ?? NullLogger.Instance;

        // Everything is read before the first write: a secret no key opens is reported while nothing has changed yet.
        var names = await profiles.ListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var name in names)
        {
            await profiles.TryLoadAsync(name, cancellationToken).ConfigureAwait(false);
        }

        await connections.ListAsync(cancellationToken).ConfigureAwait(false);
        await settings.ReencryptAsync(read, target, dryRun: true, cancellationToken).ConfigureAwait(false);

        var rewritten = 0;
        var current = 0;
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Count(await profiles.ReencryptAsync(name, target, cancellationToken).ConfigureAwait(false), ref rewritten, ref current);
        }

        cancellationToken.ThrowIfCancellationRequested();
        Count(await connections.ReencryptAsync(target, cancellationToken).ConfigureAwait(false), ref rewritten, ref current);
        Count(await settings.ReencryptAsync(read, target, dryRun: false, cancellationToken).ConfigureAwait(false), ref rewritten, ref current);
        logger.RotationFinished(rewritten, current);
        return new SecretKeyRotationResult(rewritten, current);
    }

    private static void Count(bool wasRewritten, ref int rewritten, ref int current)
    {
        if (wasRewritten)
        {
            rewritten++;
        }
        else
        {
            current++;
        }
    }
}
