using BenchmarkDotNet.Attributes;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Benchmarks;

/// <summary>
/// Saving (overwriting) one encrypted profile, with and without the flush to disk, each against a floor: write the
/// same number of bytes to a new temp file in the same folder (flushed to disk or not) and rename it over a target.
/// </summary>
[MemoryDiagnoser]
public class ProfileSaveBenchmarks
{
    private readonly ProfileName _name = ProfileName.Create("bench");
    private readonly Llm _llm = BenchProfile.Create();
    private string _flushFolder = "";
    private string _noFlushFolder = "";
    private LlmProfileStore _flushStore = null!;
    private LlmProfileStore _noFlushStore = null!;
    private byte[] _bytes = [];

    [GlobalSetup]
    public async Task Setup()
    {
        var cipher = new Cipher(BenchProfile.SecretKey);
        _flushFolder = BenchProfile.NewFolder("save-flush");
        _noFlushFolder = BenchProfile.NewFolder("save-noflush");
        _flushStore = new LlmProfileStore(new LlmProfileStoreOptions { Directory = _flushFolder, FlushToDisk = true }, cipher);
        _noFlushStore = new LlmProfileStore(new LlmProfileStoreOptions { Directory = _noFlushFolder, FlushToDisk = false }, cipher);
        await _flushStore.SaveAsync(_name, _llm);
        await _noFlushStore.SaveAsync(_name, _llm);

        // The floors write as many bytes as a save does (a fresh token has the same length every time).
        _bytes = new byte[new FileInfo(_flushStore.GetPath(_name)).Length];
        Random.Shared.NextBytes(_bytes);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        BenchProfile.DeleteFolder(_flushFolder);
        BenchProfile.DeleteFolder(_noFlushFolder);
    }

    [Benchmark]
    [BenchmarkCategory("save-flush")]
    public Task SaveFlushed() => _flushStore.SaveAsync(_name, _llm);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("save-flush")]
    public void FloorFlushed() => BenchProfile.WriteAndRename(_flushFolder, _bytes, flush: true);

    [Benchmark]
    [BenchmarkCategory("save-noflush")]
    public Task SaveNotFlushed() => _noFlushStore.SaveAsync(_name, _llm);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("save-noflush")]
    public void FloorNotFlushed() => BenchProfile.WriteAndRename(_noFlushFolder, _bytes, flush: false);
}
