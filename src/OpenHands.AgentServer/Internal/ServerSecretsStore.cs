using System.Text.Json;
using System.Text.RegularExpressions;
using OpenHands.Sdk;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The server's custom secrets, <c>&lt;persistence&gt;/secrets.json</c> in the Python agent-server's layout. Values are
/// write-only: they are encrypted with the server's cipher when it has one (plaintext otherwise, as the reference), and no
/// method returns them. Writes take <c>.secrets.lock</c> (the reference's lock file) and replace the file atomically;
/// secrets already stored are kept byte for byte, so a write never needs to decrypt them.
/// </summary>
internal sealed partial class ServerSecretsStore(ServerFolders folders, ServerCipher cipher)
{
    public const string FileName = "secrets.json";

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    private string FilePath => Path.Combine(folders.Persistence, FileName);

    private string LockPath => Path.Combine(folders.Persistence, ".secrets.lock");

    /// <summary>Checks a secret's name: a letter, then letters, digits and underscores, 1–64 characters in all.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>The names and descriptions of the stored secrets, by name.</summary>
    /// <exception cref="InvalidSecretsFileException">The file is not a secrets file.</exception>
    public Task<IReadOnlyList<(string Name, string? Description)>> ListAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var document = Read();
        IReadOnlyList<(string, string?)> items = [.. (document.CustomSecrets ?? []).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.Description))];
        return Task.FromResult(items);
    }

    /// <summary>Whether a secret is stored, and its description.</summary>
    public async Task<(bool Found, string? Description)> FindAsync(string name, CancellationToken cancellationToken)
    {
        var items = await ListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (stored, description) in items)
        {
            if (stored == name)
            {
                return (true, description);
            }
        }

        return (false, null);
    }

    /// <summary>Creates or replaces one secret; its value is encrypted when the server has a cipher.</summary>
    public async Task SetAsync(string name, string value, string? description, CancellationToken cancellationToken)
    {
        using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        var document = Read();
        document.CustomSecrets ??= [];
        document.CustomSecrets[name] = new StoredSecretDocument
        {
            Name = name,
            Secret = cipher.Cipher is { } c ? c.Encrypt(value) : value,
            Description = description,
        };
        Write(document);
    }

    /// <summary>Deletes one secret; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        var document = Read();
        if (document.CustomSecrets?.Remove(name) != true)
        {
            return false;
        }

        Write(document);
        return true;
    }

    private SecretsFileDocument Read()
    {
        if (!File.Exists(FilePath))
        {
            return new SecretsFileDocument();
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(FilePath), OpenHandsJson.Redacted.Contract<SecretsFileDocument>()) ?? new SecretsFileDocument();
        }
        catch (JsonException e)
        {
            throw new InvalidSecretsFileException(FilePath, e);
        }
    }

    private void Write(SecretsFileDocument document)
    {
        AtomicFile.EnsureDirectory(folders.Persistence);
        AtomicFile.Write(FilePath, JsonSerializer.SerializeToUtf8Bytes(document, OpenHandsJson.RedactedIndented.Contract<SecretsFileDocument>()), flushToDisk: true);
    }

    private async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        AtomicFile.EnsureDirectory(folders.Persistence);
        try
        {
            return await FileLock.AcquireAsync(LockPath, LockTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new StoreBusyException(LockPath, LockTimeout);
        }
    }

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

/// <summary><c>secrets.json</c> cannot be read as a secrets file; nothing was changed.</summary>
internal sealed class InvalidSecretsFileException(string path, Exception inner)
    : OpenHandsException($"The secrets file '{path}' is not valid JSON in the secrets layout ({inner.Message}). Fix: repair or remove it; nothing was changed.", inner);
