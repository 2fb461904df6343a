using BenchmarkDotNet.Attributes;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.PostgreSql;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Testing;

namespace OpenHands.Benchmarks;

/// <summary>
/// A profile resolve by name (load and decrypt the key) on PostgreSQL against the file store, in the same run: the
/// profile of <see cref="BenchProfile"/>, encrypted with the same key, behind a <see cref="ProfileResolver"/> each.
/// Needs a cluster in <c>OPENHANDS_TEST_POSTGRES</c> (<c>source .ci/postgres.sh &amp;&amp; start_test_postgres</c>); without
/// one the setup stops with that message and BenchmarkDotNet skips the class.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("resolve")]
public class PostgreSqlResolveBenchmarks
{
    private const string Name = "bench";
    private string _folder = "";
    private TestDatabase? _database;
    private PostgreSqlDatabase? _instance;
    private ProfileResolver _file = null!;
    private ProfileResolver _postgres = null!;

    /// <remarks>Blocks on the async setup: the in-process toolchain does not await a setup that really yields (Npgsql does).</remarks>
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public Task<Llm> FileResolve() => _file.ResolveAsync(Name);

    [Benchmark]
    public Task<Llm> PostgreSqlResolve() => _postgres.ResolveAsync(Name);

    private async Task SetupAsync()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TestDatabase.Variable)))
        {
            throw new InvalidOperationException(
                $"{TestDatabase.Variable} is not set: the PostgreSQL resolve benchmark is skipped. Start a cluster with `source .ci/postgres.sh && start_test_postgres`.");
        }

        var cipher = new Cipher(BenchProfile.SecretKey);
        _folder = BenchProfile.NewFolder("resolve");
        var files = new LlmProfileStore(new LlmProfileStoreOptions { Directory = _folder }, cipher);
        await files.SaveAsync(ProfileName.Create(Name), BenchProfile.Create());
        _file = new ProfileResolver(files);

        _database = await TestDatabase.CreateAsync();
        _instance = new PostgreSqlDatabase(_database.ConnectionString);
        var rows = new PostgreSqlLlmProfileStore(_instance, cipher);
        await rows.SaveAsync(ProfileName.Create(Name), BenchProfile.Create());
        _postgres = new ProfileResolver(rows);

        // Both must resolve the same key, or the comparison measures something else.
        if ((await _file.ResolveAsync(Name)).ApiKey?.Reveal() != (await _postgres.ResolveAsync(Name)).ApiKey?.Reveal())
        {
            throw new InvalidOperationException("The file store and PostgreSQL resolve different keys.");
        }
    }

    private async Task CleanupAsync()
    {
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        BenchProfile.DeleteFolder(_folder);
    }
}
