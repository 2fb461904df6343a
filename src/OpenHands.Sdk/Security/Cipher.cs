using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace OpenHands.Sdk.Security;

/// <summary>
/// Encrypts and decrypts secrets at rest with Fernet, byte-compatible with the Python OpenHands SDK.
/// </summary>
/// <remarks>
/// <para>
/// The key is derived as the Python SDK does it: the SHA-256 digest of the UTF-8 secret key; its first
/// 16 bytes sign (HMAC-SHA256) and its last 16 bytes encrypt (AES-128-CBC). A token is
/// <c>0x80 ‖ timestamp ‖ IV ‖ ciphertext ‖ HMAC</c> in URL-safe base64 and always starts with <c>gAAAAA</c>.
/// Tokens never expire.
/// </para>
/// <para>
/// The HMAC is checked in constant time before anything is decrypted. A wrong key or a damaged token is a
/// <see cref="SecretDecryptionException"/>, never a silent <see langword="null"/>.
/// </para>
/// <para>
/// A cipher may hold previous keys (<c>OH_SECRET_KEY_PREVIOUS</c>): it always encrypts with its current key and decrypts
/// with the first of its keys whose signature matches, so a server rolls to a new key while files written under the
/// old one still read. <see cref="IsCurrent"/> tells a token of the current key from one of a previous key.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class Cipher
{
    /// <summary>The text every Fernet token starts with.</summary>
    public const string TokenPrefix = "gAAAAA";

    private const byte Version = 0x80;
    private const int HeaderLength = 1 + 8 + 16;
    private const int HmacLength = 32;
    private const int MinTokenLength = HeaderLength + 16 + HmacLength;

    private readonly KeyPair[] _keys;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="Cipher"/> class.</summary>
    /// <param name="secretKey">The passphrase, for example the value of <c>OH_SECRET_KEY</c>. Any non-empty text.</param>
    /// <param name="timeProvider">The clock that stamps new tokens; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentException"><paramref name="secretKey"/> is <see langword="null"/> or empty.</exception>
    public Cipher(string secretKey, TimeProvider? timeProvider = null)
        : this(secretKey, [], timeProvider)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Cipher"/> class that also reads tokens of previous keys.</summary>
    /// <param name="secretKey">The current passphrase: every new token is made with it, and it is tried first.</param>
    /// <param name="previousKeys">Earlier passphrases, tried in order when a token does not fit the current key; empty ones and repeats are skipped.</param>
    /// <param name="timeProvider">The clock that stamps new tokens; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentException"><paramref name="secretKey"/> is <see langword="null"/> or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="previousKeys"/> is <see langword="null"/>.</exception>
    public Cipher(string secretKey, IEnumerable<string> previousKeys, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretKey);
        ArgumentNullException.ThrowIfNull(previousKeys);
        var passphrases = new List<string> { secretKey };
        passphrases.AddRange(previousKeys.Where(k => !string.IsNullOrEmpty(k) && !passphrases.Contains(k, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal));
        _keys = [.. passphrases.Select(KeyPair.Derive)];
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    private Cipher(KeyPair current, TimeProvider timeProvider)
    {
        _keys = [current];
        _timeProvider = timeProvider;
    }

    /// <summary>A cipher with this one's current key alone: reads only what needs no rotation.</summary>
    internal Cipher WithoutPreviousKeys() => _keys.Length == 1 ? this : new Cipher(_keys[0], _timeProvider);

    /// <summary>Gets how many previous keys this cipher reads besides its current one.</summary>
    public int PreviousKeyCount => _keys.Length - 1;

    /// <summary>Returns whether <paramref name="value"/> has the shape of a Fernet token (starts with <c>gAAAAA</c>).</summary>
    /// <param name="value">The text to look at.</param>
    /// <returns><see langword="true"/> when the text looks encrypted.</returns>
    public static bool LooksEncrypted(string? value) =>
        value is not null && value.StartsWith(TokenPrefix, StringComparison.Ordinal);

    /// <summary>Encrypts <paramref name="plaintext"/> into a new Fernet token (a fresh random IV each time).</summary>
    /// <param name="plaintext">The text to encrypt; may be empty.</param>
    /// <returns>The token, in URL-safe base64 with padding.</returns>
    public string Encrypt(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var cipherLength = (data.Length / 16 + 1) * 16;
        var token = new byte[HeaderLength + cipherLength + HmacLength];

        token[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(token.AsSpan(1, 8), (ulong)_timeProvider.GetUtcNow().ToUnixTimeSeconds());
        var iv = token.AsSpan(9, 16);
        RandomNumberGenerator.Fill(iv);

        using (var aes = Aes.Create())
        {
            aes.Key = _keys[0].Encryption;
            var written = aes.EncryptCbc(data, iv, token.AsSpan(HeaderLength, cipherLength), PaddingMode.PKCS7);
            System.Diagnostics.Debug.Assert(written == cipherLength, "PKCS7 output length");
        }

        HMACSHA256.HashData(_keys[0].Signing, token.AsSpan(0, token.Length - HmacLength), token.AsSpan(token.Length - HmacLength));
        return Convert.ToBase64String(token).Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Decrypts a Fernet token.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="SecretDecryptionException">
    /// The token is malformed, was made with another key, or was altered.
    /// </exception>
    public string Decrypt(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return TryDecryptCore(token, out var plaintext, out var reason)
            ? plaintext
            : throw new SecretDecryptionException(reason);
    }

    /// <summary>Tries to decrypt a Fernet token.</summary>
    /// <param name="token">The token.</param>
    /// <param name="plaintext">The plaintext when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the token is valid for this key.</returns>
    public bool TryDecrypt(string token, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? plaintext)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (TryDecryptCore(token, out var value, out _))
        {
            plaintext = value;
            return true;
        }

        plaintext = null;
        return false;
    }

    /// <summary>Returns whether <paramref name="token"/> is a valid token of the current key (not of a previous one).</summary>
    /// <param name="token">The token.</param>
    /// <returns><see langword="true"/> when the current key made the token; <see langword="false"/> for a previous key, another key or damage.</returns>
    public bool IsCurrent(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return TryDecryptCore(token, out _, out _, onlyCurrent: true);
    }

    private bool TryDecryptCore(string token, out string plaintext, out string reason, bool onlyCurrent = false)
    {
        plaintext = string.Empty;
        var bytes = DecodeBase64Url(token);
        if (bytes is null)
        {
            reason = "the token is not valid base64";
            return false;
        }

        if (bytes.Length < MinTokenLength || (bytes.Length - HeaderLength - HmacLength) % 16 != 0 || bytes[0] != Version)
        {
            reason = "the token does not have the Fernet layout";
            return false;
        }

        Span<byte> expected = stackalloc byte[HmacLength];
        KeyPair? match = null;
        foreach (var key in onlyCurrent ? _keys.AsSpan(0, 1) : _keys.AsSpan())
        {
            HMACSHA256.HashData(key.Signing, bytes.AsSpan(0, bytes.Length - HmacLength), expected);
            if (CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(bytes.Length - HmacLength)))
            {
                match = key;
                break;
            }
        }

        if (match is null)
        {
            reason = _keys.Length == 1 || onlyCurrent
                ? "the signature does not match: the token was made with another key or was altered"
                : $"the signature matches none of the {_keys.Length} configured keys (OH_SECRET_KEY and OH_SECRET_KEY_PREVIOUS): the token was made with another key or was altered";
            return false;
        }

        try
        {
            using var aes = Aes.Create();
            aes.Key = match.Encryption;
            var clear = aes.DecryptCbc(
                bytes.AsSpan(HeaderLength, bytes.Length - HeaderLength - HmacLength), bytes.AsSpan(9, 16), PaddingMode.PKCS7);
            plaintext = StrictUtf8.GetString(clear);
            reason = string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or DecoderFallbackException)
        {
            reason = "the decrypted bytes are not valid";
            return false;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes URL-safe or standard base64, with or without padding; <see langword="null"/> when invalid.</summary>
    private static byte[]? DecodeBase64Url(string text)
    {
        var length = text.Length;
        var padded = (length % 4) switch { 0 => length, 2 => length + 2, 3 => length + 1, _ => -1 };
        if (padded < 0)
        {
            return null;
        }

        var chars = padded <= 1024 ? stackalloc char[padded] : new char[padded];
        for (var i = 0; i < length; i++)
        {
            chars[i] = text[i] switch { '-' => '+', '_' => '/', var c => c };
        }

        chars[length..].Fill('=');
        var buffer = new byte[padded / 4 * 3];
        return Convert.TryFromBase64Chars(chars, buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>The two halves of one passphrase's SHA-256 digest: the HMAC key and the AES key.</summary>
    private sealed record KeyPair(byte[] Signing, byte[] Encryption)
    {
        public static KeyPair Derive(string passphrase)
        {
            var digest = SHA256.HashData(Encoding.UTF8.GetBytes(passphrase));
            return new KeyPair(digest[..16], digest[16..]);
        }
    }
}
