using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Benchmarks;

/// <summary>
/// Loading a profile whose API key is a Fernet token, against a floor: read the file, parse it, check one HMAC and
/// decrypt one AES-CBC block run, the least any loader of this file has to do.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("load")]
public class ProfileLoadBenchmarks
{
    private readonly ProfileName _name = ProfileName.Create("bench");
    private string _folder = "";
    private string _path = "";
    private LlmProfileStore _store = null!;
    private byte[] _signingKey = [];
    private Aes _aes = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _folder = BenchProfile.NewFolder("load");
        _store = new LlmProfileStore(new LlmProfileStoreOptions { Directory = _folder }, new Cipher(BenchProfile.SecretKey));
        await _store.SaveAsync(_name, BenchProfile.Create());
        _path = _store.GetPath(_name);
        (_signingKey, var encryptionKey) = BenchProfile.DeriveKeys();
        _aes = Aes.Create();
        _aes.Key = encryptionKey;

        // Both paths must agree on the secret, or the floor measures something else.
        var loaded = await _store.LoadAsync(_name);
        var floor = await Floor();
        if (loaded.ApiKey?.Reveal() != floor || !Cipher.LooksEncrypted(ApiKeyText()))
        {
            throw new InvalidOperationException("The load floor does not decrypt the same key as the store.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aes.Dispose();
        BenchProfile.DeleteFolder(_folder);
    }

    [Benchmark]
    public Task<Llm> Load() => _store.LoadAsync(_name);

    [Benchmark(Baseline = true)]
    public async Task<string> Floor()
    {
        var bytes = await File.ReadAllBytesAsync(_path);
        using var document = JsonDocument.Parse(bytes);
        var token = document.RootElement.GetProperty("api_key").GetString()!;

        var raw = Base64Url.DecodeFromChars(token);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_signingKey, raw.AsSpan(0, raw.Length - 32), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, raw.AsSpan(raw.Length - 32)))
        {
            throw new CryptographicException("bad signature");
        }

        var clear = _aes.DecryptCbc(raw.AsSpan(25, raw.Length - 25 - 32), raw.AsSpan(9, 16), PaddingMode.PKCS7);
        return Encoding.UTF8.GetString(clear);
    }

    private string ApiKeyText()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(_path));
        return document.RootElement.GetProperty("api_key").GetString()!;
    }
}
