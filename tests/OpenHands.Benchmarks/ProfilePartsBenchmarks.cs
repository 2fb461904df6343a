extern alias sdk;

using System.Text.Json;
using BenchmarkDotNet.Attributes;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Benchmarks;

/// <summary>
/// The pieces a load and a save are made of, measured one by one to show where the time above the floors goes.
/// Not compared with anything; read them against the load and save rows.
/// </summary>
[MemoryDiagnoser]
public class ProfilePartsBenchmarks
{
    private readonly Llm _llm = BenchProfile.Create();
    private readonly Cipher _cipher = new(BenchProfile.SecretKey);
    private string _folder = "";
    private string _path = "";
    private string _lockPath = "";
    private byte[] _bytes = [];
    private JsonDocument _document = null!;
    private string _token = "";

    [GlobalSetup]
    public async Task Setup()
    {
        _folder = BenchProfile.NewFolder("parts");
        var store = new LlmProfileStore(new LlmProfileStoreOptions { Directory = _folder }, _cipher);
        var name = ProfileName.Create("bench");
        await store.SaveAsync(name, _llm);
        _path = store.GetPath(name);
        _lockPath = Path.Combine(_folder, LlmProfileStore.LockFileName);
        _bytes = await File.ReadAllBytesAsync(_path);
        _document = JsonDocument.Parse(_bytes);
        _token = _document.RootElement.GetProperty("api_key").GetString()!;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _document.Dispose();
        BenchProfile.DeleteFolder(_folder);
    }

    [Benchmark]
    [BenchmarkCategory("load-parts")]
    public Task<byte[]> ReadBytes() => File.ReadAllBytesAsync(_path);

    [Benchmark]
    [BenchmarkCategory("load-parts")]
    public int ParseDocument()
    {
        using var document = JsonDocument.Parse(_bytes);
        return (int)document.RootElement.ValueKind;
    }

    [Benchmark]
    [BenchmarkCategory("load-parts")]
    public Llm CodecRead() =>
        LlmJsonCodec.Read(_document.RootElement, _cipher, isProfileFile: true, (field, reason) => new InvalidOperationException(field + reason));

    [Benchmark]
    [BenchmarkCategory("load-parts")]
    public string Decrypt() => _cipher.Decrypt(_token);

    [Benchmark]
    [BenchmarkCategory("save-parts")]
    public byte[] CodecSerialize() => LlmJsonCodec.ToProfileBytes(_llm, SecretExposure.Encrypted, _cipher);

    [Benchmark]
    [BenchmarkCategory("save-parts")]
    public string Encrypt() => _cipher.Encrypt("sk-test-bench.4f7c2a9e1b3d5f6a8c0e2b4d6f8a0c1e3b5d7f9a");

    [Benchmark]
    [BenchmarkCategory("save-parts")]
    public async Task LockAcquireRelease()
    {
        using (await sdk::OpenHands.Sdk.Internal.FileLock.AcquireAsync(_lockPath, TimeSpan.FromSeconds(30), CancellationToken.None))
        {
        }
    }
}
