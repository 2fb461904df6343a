using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// A conversation's secrets for its tools: given at start or added later, handed to the terminal as environment
/// variables, masked as <c>&lt;secret-hidden&gt;</c> in everything tools return, and persisted only as Fernet tokens of
/// the factory's cipher (without a cipher they stay in memory and the caller is told).
/// </summary>
/// <remarks>Changes are made under the conversation's gate; reads may come from any thread.</remarks>
internal sealed partial class ConversationSecrets
{
    private readonly Cipher? _cipher;
    private readonly ILogger _logger;
    private readonly Guid _conversationId;
    private readonly ImmutableArray<SecretString> _extraMasked;
    private ImmutableDictionary<string, SecretString> _values;
    private SecretRedactor _redactor;

    /// <param name="conversationId">The conversation (for log messages).</param>
    /// <param name="cipher">Encrypts secrets at rest; <see langword="null"/>: they are not persisted.</param>
    /// <param name="logger">Receives warnings (never values).</param>
    /// <param name="extraMasked">Secrets that are not the tools' but must be masked too (MCP environment values and headers).</param>
    /// <param name="persisted">The state's entries; their tokens are decrypted now.</param>
    /// <param name="live">Values known in memory already (a fork's), taking precedence over tokens.</param>
    public ConversationSecrets(
        Guid conversationId, Cipher? cipher, ILogger logger, IEnumerable<SecretString> extraMasked,
        ImmutableDictionary<string, SecretEntry> persisted, IReadOnlyDictionary<string, SecretString>? live = null)
    {
        _conversationId = conversationId;
        _cipher = cipher;
        _logger = logger;
        _extraMasked = [.. extraMasked];
        var values = ImmutableDictionary.CreateBuilder<string, SecretString>(StringComparer.Ordinal);
        foreach (var (name, entry) in persisted)
        {
            if (live?.GetValueOrDefault(name) is { } known)
            {
                values[name] = known;
            }
            else if (entry.Token is { } token && cipher is not null && cipher.TryDecrypt(token, out var plain) && SecretString.FromNullable(plain) is { } value)
            {
                values[name] = value;
            }
            else
            {
                _logger.SecretNotDecrypted(conversationId, name);
            }
        }

        _values = values.ToImmutable();
        _redactor = Redactor();
    }

    /// <summary>Gets the live values by name.</summary>
    public ImmutableDictionary<string, SecretString> Values => Volatile.Read(ref _values);

    /// <summary>Gets whether added secrets are persisted (encrypted).</summary>
    public bool CanPersist => _cipher is not null;

    /// <summary>Adds or replaces secrets; returns the state's new entries, each with its token when there is a cipher.</summary>
    /// <exception cref="ArgumentException">A name is not a valid environment variable name, or a value is missing.</exception>
    public ImmutableDictionary<string, SecretEntry> Add(ImmutableDictionary<string, SecretEntry> current, IReadOnlyDictionary<string, SecretString> secrets)
    {
        Validate(secrets, nameof(secrets));

        var entries = current.ToBuilder();
        var values = Values.ToBuilder();
        foreach (var (name, value) in secrets)
        {
            entries[name] = new SecretEntry(_cipher?.Encrypt(value.Reveal()), current.GetValueOrDefault(name)?.Description);
            values[name] = value;
        }

        if (_cipher is null && secrets.Count > 0)
        {
            _logger.SecretsNotPersisted(_conversationId, secrets.Count);
        }

        Volatile.Write(ref _values, values.ToImmutable());
        Volatile.Write(ref _redactor, Redactor());
        return entries.ToImmutable();
    }

    /// <summary>Replaces every secret value in <paramref name="text"/> with <c>&lt;secret-hidden&gt;</c>.</summary>
    public string Mask(string text) => Volatile.Read(ref _redactor) is { IsEmpty: false } redactor ? redactor.Redact(text) : text;

    /// <summary>The secrets whose names appear in <paramref name="text"/> (ignoring case): the Python SDK's rule for commands.</summary>
    public IReadOnlyDictionary<string, SecretString> NamedIn(string text) =>
        Values.Where(s => text.Contains(s.Key, StringComparison.OrdinalIgnoreCase)).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);

    private SecretRedactor Redactor() => new(Values.Values.Concat(_extraMasked), SecretRedactor.HiddenMask);
}
