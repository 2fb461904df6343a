using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Security;

[Parallelizable(ParallelScope.All)]
[Category("Security")]
public sealed class CipherTests
{
    private const string Passphrase = "sk-test-passphrase-one";
    private const int HeaderLength = 1 + 8 + 16;
    private const int HmacLength = 32;

    public static IEnumerable<TestCaseData> PythonVectors()
    {
        var path = Path.Combine(Fixtures.Python, "fernet_vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var index = 0;
        foreach (var v in document.RootElement.EnumerateArray())
        {
            var vector = new FernetVector(
                v.GetProperty("passphrase").GetString()!,
                v.GetProperty("plaintext").GetString()!,
                v.GetProperty("token").GetString()!,
                v.GetProperty("derived_key_b64").GetString()!,
                v.GetProperty("fernet_key_urlsafe_b64").GetString()!);
            yield return new TestCaseData(vector).SetArgDisplayNames($"vector{index++:00}");
        }
    }

    [Test]
    public void PythonVectors_File_HasEveryVariety()
    {
        var vectors = PythonVectors().Select(c => (FernetVector)c.Arguments[0]!).ToList();

        vectors.Should().HaveCountGreaterThanOrEqualTo(16);
        vectors.Select(v => v.Passphrase).Distinct().Should().HaveCountGreaterThanOrEqualTo(4);
        vectors.Should().Contain(v => v.Plaintext.Length == 0);
        vectors.Should().Contain(v => v.Plaintext.Length >= 1024);
        vectors.Should().Contain(v => v.Plaintext.Any(char.IsSurrogate));
    }

    [TestCaseSource(nameof(PythonVectors))]
    public void Decrypt_PythonVector_ReturnsPlaintext(FernetVector vector)
    {
        var cipher = new Cipher(vector.Passphrase);

        cipher.Decrypt(vector.Token).Should().Be(vector.Plaintext);
        cipher.TryDecrypt(vector.Token, out var plaintext).Should().BeTrue();
        plaintext.Should().Be(vector.Plaintext);
    }

    [TestCaseSource(nameof(PythonVectors))]
    public void KeyDerivation_PythonVector_IsSha256OfUtf8Passphrase(FernetVector vector)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(vector.Passphrase));

        Convert.ToBase64String(digest).Should().Be(vector.DerivedKeyBase64);
        Convert.ToBase64String(digest).Replace('+', '-').Replace('/', '_').Should().Be(vector.FernetKeyUrlSafeBase64);

        // The Python token verifies and decrypts with the two halves of that digest, independently of Cipher.
        Fernet.Open(digest, vector.Token).Should().Be(vector.Plaintext);
    }

    [TestCaseSource(nameof(PythonVectors))]
    public void Decrypt_PythonVectorWithoutPadding_ReturnsPlaintext(FernetVector vector)
    {
        var unpadded = vector.Token.TrimEnd('=');

        new Cipher(vector.Passphrase).Decrypt(unpadded).Should().Be(vector.Plaintext);
    }

    [TestCaseSource(nameof(PythonVectors))]
    public void Decrypt_PythonVectorInStandardBase64_ReturnsPlaintext(FernetVector vector)
    {
        var standard = vector.Token.Replace('-', '+').Replace('_', '/');

        new Cipher(vector.Passphrase).Decrypt(standard).Should().Be(vector.Plaintext);
    }

    [TestCaseSource(nameof(PythonVectors))]
    public void Decrypt_PythonVectorWithOtherPassphrase_Throws(FernetVector vector)
    {
        var cipher = new Cipher(vector.Passphrase + "-other");

        cipher.Invoking(c => c.Decrypt(vector.Token)).Should().Throw<SecretDecryptionException>();
        cipher.TryDecrypt(vector.Token, out var plaintext).Should().BeFalse();
        plaintext.Should().BeNull();
    }

    [TestCase("")]
    [TestCase("sk-test-plain-one")]
    [TestCase("sk-test-ünïcødé-密钥-テスト-🔑🚀")]
    [TestCase("测试密钥中文字符")]
    [TestCase("😀👍🏽")]
    [TestCase("line1\nline2\t\"quoted\" \\ back")]
    [TestCase("exactly-16-bytes")]
    public void Encrypt_ThenDecrypt_RoundTrips(string plaintext)
    {
        var cipher = new Cipher(Passphrase);

        var token = cipher.Encrypt(plaintext);

        token.Should().StartWith(Cipher.TokenPrefix);
        cipher.Decrypt(token).Should().Be(plaintext);
    }

    [Test]
    public void Encrypt_OneKibibyte_RoundTrips()
    {
        var plaintext = string.Concat(Enumerable.Repeat("sk-test-", 128));
        plaintext.Length.Should().Be(1024);
        var cipher = new Cipher(Passphrase);

        cipher.Decrypt(cipher.Encrypt(plaintext)).Should().Be(plaintext);
    }

    [Test]
    public void Encrypt_EmptyString_GivesNonEmptyToken()
    {
        var token = new Cipher(Passphrase).Encrypt(string.Empty);

        token.Should().StartWith("gAAAAA");
        Base64UrlDecode(token).Length.Should().Be(HeaderLength + 16 + HmacLength);
    }

    [Test]
    public void Encrypt_SameSecretTwice_GivesDifferentTokensThatBothDecrypt()
    {
        var cipher = new Cipher(Passphrase);

        var first = cipher.Encrypt("sk-test-same-one");
        var second = cipher.Encrypt("sk-test-same-one");

        first.Should().NotBe(second);
        cipher.Decrypt(first).Should().Be("sk-test-same-one");
        cipher.Decrypt(second).Should().Be("sk-test-same-one");
    }

    [Test]
    public void Encrypt_Token_HasFernetLayoutWithDigestHalvesAsKeys()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var cipher = new Cipher(Passphrase, clock);

        var token = cipher.Encrypt("sk-test-layout-one");

        token.Should().MatchRegex("^[A-Za-z0-9_=-]+$").And.EndWith("=");
        (token.Length % 4).Should().Be(0);
        var bytes = Base64UrlDecode(token);
        bytes[0].Should().Be(0x80);
        BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(1, 8)).Should().Be((ulong)clock.GetUtcNow().ToUnixTimeSeconds());
        bytes.Length.Should().Be(HeaderLength + 32 + HmacLength); // 19 bytes pad to 32

        // Signing key = first half of SHA-256(passphrase), AES key = second half: checked without Cipher.
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(Passphrase));
        Fernet.Open(digest, token).Should().Be("sk-test-layout-one");
    }

    [Test]
    public void Encrypt_TimestampInThePast_StillDecrypts()
    {
        var old = new Cipher(Passphrase, new FixedClock(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        var token = old.Encrypt("sk-test-old-one");

        new Cipher(Passphrase).Decrypt(token).Should().Be("sk-test-old-one");
    }

    [Test]
    public void Cipher_FernetShapedPassphrase_IsHashedLikeAnyText()
    {
        const string fernetKey = "Tgl3slE8-zMSTWrKNhIvoxRG0B00mS_3uT1s3Gk03fs=";
        var cipher = new Cipher(fernetKey);

        var token = cipher.Encrypt("sk-test-fernet-key-one");

        Fernet.Open(SHA256.HashData(Encoding.UTF8.GetBytes(fernetKey)), token).Should().Be("sk-test-fernet-key-one");
    }

    [TestCase(null)]
    [TestCase("")]
    public void Constructor_NullOrEmptyKey_Throws(string? key)
    {
        var act = () => new Cipher(key!);

        act.Should().Throw<ArgumentException>();
    }

    [Test]
    public void Decrypt_WrongKey_ThrowsWithoutValue()
    {
        var token = new Cipher(Passphrase).Encrypt("sk-test-wrong-key-one");
        var other = new Cipher("sk-test-other-passphrase");

        other.Invoking(c => c.Decrypt(token)).Should().Throw<SecretDecryptionException>()
            .Which.Message.Should().NotContain("sk-test-wrong-key-one");
        other.TryDecrypt(token, out var plaintext).Should().BeFalse();
        plaintext.Should().BeNull();
    }

    [TestCase(0, TestName = "Decrypt_AlteredVersionByte_Throws")]
    [TestCase(1, TestName = "Decrypt_AlteredTimestamp_Throws")]
    [TestCase(12, TestName = "Decrypt_AlteredIv_Throws")]
    [TestCase(HeaderLength, TestName = "Decrypt_AlteredFirstCiphertextByte_Throws")]
    [TestCase(-HmacLength - 1, TestName = "Decrypt_AlteredLastCiphertextByte_Throws")]
    [TestCase(-HmacLength, TestName = "Decrypt_AlteredFirstHmacByte_Throws")]
    [TestCase(-1, TestName = "Decrypt_AlteredLastHmacByte_Throws")]
    public void Decrypt_AlteredByte_Throws(int offset)
    {
        var cipher = new Cipher(Passphrase);
        var bytes = Base64UrlDecode(cipher.Encrypt("sk-test-altered-one"));
        bytes[offset >= 0 ? offset : bytes.Length + offset] ^= 0x01;
        var altered = Base64UrlEncode(bytes);

        cipher.Invoking(c => c.Decrypt(altered)).Should().Throw<SecretDecryptionException>();
        cipher.TryDecrypt(altered, out var plaintext).Should().BeFalse();
        plaintext.Should().BeNull();
    }

    [TestCase(0x81)]
    [TestCase(0x00)]
    [TestCase(0xFF)]
    public void Decrypt_WrongVersionByteWithValidHmac_Throws(int version)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(Passphrase));
        var cipher = new Cipher(Passphrase);
        var bytes = Base64UrlDecode(cipher.Encrypt("sk-test-version-one"));
        bytes[0] = (byte)version;
        HMACSHA256.HashData(digest.AsSpan(0, 16), bytes.AsSpan(0, bytes.Length - HmacLength), bytes.AsSpan(bytes.Length - HmacLength));
        var token = Base64UrlEncode(bytes);

        cipher.Invoking(c => c.Decrypt(token)).Should().Throw<SecretDecryptionException>();
        cipher.TryDecrypt(token, out _).Should().BeFalse();
    }

    [TestCase(2)]
    [TestCase(4)]
    [TestCase(16)]
    [TestCase(44)]
    [TestCase(80)]
    public void Decrypt_TruncatedToken_Throws(int removedChars)
    {
        var cipher = new Cipher(Passphrase);
        var token = cipher.Encrypt("sk-test-truncated-one");
        var truncated = token[..^removedChars];

        cipher.Invoking(c => c.Decrypt(truncated)).Should().Throw<SecretDecryptionException>();
        cipher.TryDecrypt(truncated, out _).Should().BeFalse();
    }

    [TestCase(16)]
    [TestCase(32)]
    [TestCase(48)]
    public void Decrypt_TokenMissingTrailingBytes_Throws(int removedBytes)
    {
        var cipher = new Cipher(Passphrase);
        var bytes = Base64UrlDecode(cipher.Encrypt("sk-test-truncated-one"));
        var truncated = Base64UrlEncode(bytes[..^removedBytes]);

        cipher.Invoking(c => c.Decrypt(truncated)).Should().Throw<SecretDecryptionException>();
        cipher.TryDecrypt(truncated, out _).Should().BeFalse();
    }

    [Test]
    public void Decrypt_TokenWithOnlyPaddingRemoved_StillDecrypts()
    {
        var cipher = new Cipher(Passphrase);
        var token = cipher.Encrypt("sk-test-padding-one");
        token.Should().EndWith("=");

        cipher.Decrypt(token.TrimEnd('=')).Should().Be("sk-test-padding-one");
    }

    [TestCase("")]
    [TestCase("not-base64!")]
    [TestCase("invalid-encrypted-data")]
    [TestCase("gAAAAA")]
    [TestCase("gAAAAAnot-a-valid-token")]
    [TestCase("gAAAAA!!!!$$$$")]
    [TestCase("g")]
    [TestCase("sk-test-plain-not-a-token")]
    public void Decrypt_NotAToken_Throws(string text)
    {
        var cipher = new Cipher(Passphrase);

        cipher.Invoking(c => c.Decrypt(text)).Should().Throw<SecretDecryptionException>();
        cipher.TryDecrypt(text, out var plaintext).Should().BeFalse();
        plaintext.Should().BeNull();
    }

    [Test]
    public void Decrypt_ValidHmacOverBadPadding_Throws()
    {
        // A token signed with the right key whose ciphertext does not unpad: the HMAC passes, AES/PKCS7 fails.
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(Passphrase));
        var bytes = new byte[HeaderLength + 16 + HmacLength];
        bytes[0] = 0x80;
        RandomNumberGenerator.Fill(bytes.AsSpan(9, 16));
        using (var aes = Aes.Create())
        {
            aes.Key = digest[16..];
            var block = Enumerable.Repeat((byte)0x00, 16).ToArray(); // last byte 0 is never valid PKCS7
            aes.EncryptCbc(block, bytes.AsSpan(9, 16), bytes.AsSpan(HeaderLength, 16), PaddingMode.None);
        }

        HMACSHA256.HashData(digest.AsSpan(0, 16), bytes.AsSpan(0, bytes.Length - HmacLength), bytes.AsSpan(bytes.Length - HmacLength));
        var token = Base64UrlEncode(bytes);
        var cipher = new Cipher(Passphrase);

        cipher.Invoking(c => c.Decrypt(token)).Should().Throw<SecretDecryptionException>();
        cipher.TryDecrypt(token, out _).Should().BeFalse();
    }

    [Test]
    public void Decrypt_ValidTokenOverInvalidUtf8_Throws()
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(Passphrase));
        var token = Fernet.Seal(digest, [0xC3, 0x28, 0xFF]);
        var cipher = new Cipher(Passphrase);

        cipher.Invoking(c => c.Decrypt(token)).Should().Throw<SecretDecryptionException>();
        cipher.TryDecrypt(token, out _).Should().BeFalse();
    }

    [Test]
    public void Decrypt_Null_ThrowsArgumentNull()
    {
        var cipher = new Cipher(Passphrase);

        cipher.Invoking(c => c.Decrypt(null!)).Should().Throw<ArgumentNullException>();
        cipher.Invoking(c => c.TryDecrypt(null!, out _)).Should().Throw<ArgumentNullException>();
        cipher.Invoking(c => c.Encrypt(null!)).Should().Throw<ArgumentNullException>();
    }

    [TestCase("gAAAAABxyz", true)]
    [TestCase("gAAAAA", true)]
    [TestCase("gAAAA", false)]
    [TestCase("GAAAAAB", false)]
    [TestCase("sk-test-one", false)]
    [TestCase("", false)]
    [TestCase(null, false)]
    public void LooksEncrypted_Text_ChecksPrefixOrdinally(string? text, bool expected) =>
        Cipher.LooksEncrypted(text).Should().Be(expected);

    [Test]
    public void Cipher_ConcurrentUse_IsThreadSafe()
    {
        var cipher = new Cipher(Passphrase);

        var results = Enumerable.Range(0, 200).AsParallel()
            .Select(i => cipher.Decrypt(cipher.Encrypt($"sk-test-parallel-{i}")) == $"sk-test-parallel-{i}")
            .ToList();

        results.Should().OnlyContain(ok => ok);
    }

    private static byte[] Base64UrlDecode(string token) =>
        Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/'));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');

    public sealed record FernetVector(string Passphrase, string Plaintext, string Token, string DerivedKeyBase64, string FernetKeyUrlSafeBase64)
    {
        public override string ToString() => $"{Passphrase} / {Plaintext.Length} chars";
    }

    /// <summary>An independent Fernet reader and writer written from the spec, to check Cipher's key split and layout.</summary>
    private static class Fernet
    {
        public static string Open(byte[] digest, string token)
        {
            var bytes = Base64UrlDecode(token.PadRight((token.Length + 3) / 4 * 4, '='));
            bytes[0].Should().Be(0x80);
            var expected = HMACSHA256.HashData(digest.AsSpan(0, 16), bytes.AsSpan(0, bytes.Length - HmacLength));
            expected.Should().Equal(bytes[^HmacLength..], "the HMAC uses the first 16 bytes of the digest");
            using var aes = Aes.Create();
            aes.Key = digest[16..];
            var clear = aes.DecryptCbc(bytes.AsSpan(HeaderLength, bytes.Length - HeaderLength - HmacLength), bytes.AsSpan(9, 16));
            return new UTF8Encoding(false, true).GetString(clear);
        }

        public static string Seal(byte[] digest, byte[] plaintext)
        {
            var cipherLength = (plaintext.Length / 16 + 1) * 16;
            var bytes = new byte[HeaderLength + cipherLength + HmacLength];
            bytes[0] = 0x80;
            RandomNumberGenerator.Fill(bytes.AsSpan(9, 16));
            using (var aes = Aes.Create())
            {
                aes.Key = digest[16..];
                aes.EncryptCbc(plaintext, bytes.AsSpan(9, 16), bytes.AsSpan(HeaderLength, cipherLength));
            }

            HMACSHA256.HashData(digest.AsSpan(0, 16), bytes.AsSpan(0, bytes.Length - HmacLength), bytes.AsSpan(bytes.Length - HmacLength));
            return Base64UrlEncode(bytes);
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
