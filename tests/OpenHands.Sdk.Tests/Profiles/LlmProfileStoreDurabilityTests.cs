using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.StressChild;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>
/// Crash safety and concurrency of <see cref="LlmProfileStore"/> with real child processes and real files:
/// children are killed in the middle of saves, several processes and threads share one folder, and a Python
/// process holds the lock the way Python's <c>filelock</c> does.
/// </summary>
[Category("Stress")]
public sealed class LlmProfileStoreDurabilityTests
{
    private const string CipherKey = "sk-test-stress-cipher";
    private const int CrashLanes = 2;
    private const int CrashIterationsPerLane = 110;

    private static readonly string[] CrashProfiles = ["p0", "p1", "p2", "p3", "p4"];

    private static readonly Cipher StressCipher = new(CipherKey);

    [Test]
    [CancelAfter(180_000)]
    public async Task SaveAsync_ChildKilledMidWrite_NeverLeavesTornOrMissingProfile(CancellationToken cancellationToken)
    {
        // Two lanes, each with its own folder, so both cores start and kill children; every kill is checked.
        var folders = Enumerable.Range(0, CrashLanes).Select(_ => TempDirectory.Create()).ToArray();
        try
        {
            var watch = Stopwatch.StartNew();
            var lanes = await Task.WhenAll(folders.Select((folder, lane) => RunCrashLaneAsync(folder.Path, lane, cancellationToken)));
            watch.Stop();

            var kills = lanes.Sum(l => l.Kills);
            var changed = lanes.Sum(l => l.IterationsThatChangedFiles);
            var leftovers = lanes.Sum(l => l.TempFilesLeft);
            var encrypted = lanes.Sum(l => l.EncryptedIterations);
            await TestContext.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"Killed {kills} save-loop children ({encrypted} with a cipher) in {watch.Elapsed.TotalSeconds:0.0} s on {CrashLanes} folders; " +
                $"{changed} kills followed changed profiles; {leftovers} temp files were left by kills that landed mid-write; " +
                $"after every kill all five profiles were whole and loadable."));

            kills.Should().BeGreaterThanOrEqualTo(200);
            changed.Should().BeGreaterThan(0, "the children must have replaced profiles between the kills");
        }
        finally
        {
            foreach (var folder in folders)
            {
                folder.Dispose();
            }
        }
    }

    [TestCase(30_000)]
    [TestCase(50)]
    [CancelAfter(120_000)]
    public async Task Store_FourProcessesMixedOperations_NoCorruptFileAndOnlyLockTimeouts(int lockTimeoutMs, CancellationToken cancellationToken)
    {
        using var dir = TempDirectory.Create();
        const int processes = 4;
        const int operations = 100;

        var children = new List<Child>();
        try
        {
            for (var i = 0; i < processes; i++)
            {
                children.Add(Child.Start(redirectInput: true,
                    "mixed", dir.Path, (1000 + i).ToString(CultureInfo.InvariantCulture), operations.ToString(CultureInfo.InvariantCulture),
                    CipherKey, lockTimeoutMs.ToString(CultureInfo.InvariantCulture)));
            }

            // Start the workloads together, once every child has started up.
            foreach (var child in children)
            {
                await child.WaitForLineAsync("ready", cancellationToken);
            }

            var watch = Stopwatch.StartNew();
            foreach (var child in children)
            {
                await child.SendLineAsync("go");
            }

            var summaries = new List<MixedSummary>();
            foreach (var child in children)
            {
                var (exitCode, output) = await child.WaitForExitAsync(cancellationToken);
                exitCode.Should().Be(0, "a child failed with something other than StoreBusyException:\n{0}\n{1}", output, child.Errors);
                var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
                summaries.Add(JsonSerializer.Deserialize<MixedSummary>(line)!);
            }

            watch.Stop();
            foreach (var summary in summaries)
            {
                await TestContext.Out.WriteLineAsync(summary.ToString());
            }

            await TestContext.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{processes} processes x {operations} operations, lock timeout {lockTimeoutMs} ms: {watch.ElapsedMilliseconds} ms, " +
                $"{summaries.Sum(s => s.Saves)} saves, {summaries.Sum(s => s.Loads)} loads, {summaries.Sum(s => s.Busy)} lock timeouts."));

            summaries.Sum(s => s.Operations).Should().Be(processes * operations);
            summaries.Sum(s => s.Saves).Should().BeGreaterThan(0);
            if (lockTimeoutMs >= 30_000)
            {
                summaries.Sum(s => s.Busy).Should().Be(0, "nothing holds the lock for 30 s");
            }

            await VerifySharedFolderAsync(dir.Path);
        }
        finally
        {
            foreach (var child in children)
            {
                child.Dispose();
            }
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Store_EightTasksOnTwoInstancesMixedOperations_NoCorruptFileAndNoError(CancellationToken cancellationToken)
    {
        using var dir = TempDirectory.Create();
        var logs = new CountingLoggerFactory();
        ILlmProfileStore[] stores =
        [
            new LlmProfileStore(new() { Directory = dir.Path }, StressCipher, logs),
            new LlmProfileStore(new() { Directory = dir.Path }, StressCipher, logs),
        ];

        var watch = Stopwatch.StartNew();
        var summaries = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => MixedWorkload.RunAsync(stores, 2000 + i, 50, cancellationToken), cancellationToken)));
        watch.Stop();

        await TestContext.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"8 tasks x 50 operations on 2 instances: {watch.ElapsedMilliseconds} ms, {summaries.Sum(s => s.Saves)} saves, " +
            $"{summaries.Sum(s => s.Loads)} loads, {summaries.Sum(s => s.Busy)} lock timeouts."));
        summaries.Sum(s => s.Busy).Should().Be(0, "the default 30 s lock timeout is never reached");
        logs.Warnings.Should().Be(0, "the store skipped a profile it could not read: {0}", logs.LastWarning);
        await VerifySharedFolderAsync(dir.Path);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task SaveAsync_OtherProcessHoldsStoreLock_ThrowsStoreBusyAndWritesNothing(CancellationToken cancellationToken)
    {
        using var dir = TempDirectory.Create();
        var lockPath = Path.Combine(dir.Path, LlmProfileStore.LockFileName);
        var profile = dir.Combine("blocked.json");

        // This process holds the store lock, as a save in progress does; a save in another process must wait and give up.
        using (await FileLock.AcquireAsync(lockPath, TimeSpan.FromSeconds(5), cancellationToken))
        {
            using var blocked = Child.Start(redirectInput: false, "save-once", dir.Path, "blocked", "300");
            var (exitCode, output) = await blocked.WaitForExitAsync(cancellationToken);
            exitCode.Should().Be(0, blocked.Errors);
            output.Trim().Should().Be("busy", "flock excludes writers in other processes");
            File.Exists(profile).Should().BeFalse();
            TempFiles(dir.Path).Should().BeEmpty();
        }

        using var granted = Child.Start(redirectInput: false, "save-once", dir.Path, "blocked", "300");
        (await granted.WaitForExitAsync(cancellationToken)).Output.Trim().Should().Be("saved", granted.Errors);
        StressProfiles.Verify("blocked", await new LlmProfileStore(new() { Directory = dir.Path }).LoadAsync("blocked", cancellationToken));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task SaveAsync_PythonProcessHoldsFlock_ThrowsStoreBusyAndWritesNothingUntilReleased(CancellationToken cancellationToken)
    {
        var python = FindPython();
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path, LockTimeout = TimeSpan.FromMilliseconds(300) }, StressCipher);
        var original = StressProfiles.Create(new Random(7));
        await store.SaveAsync("existing", original, cancellationToken: cancellationToken);
        var existingBytes = await File.ReadAllBytesAsync(store.GetPath(ProfileName.Create("existing")), cancellationToken);

        const string holdLock = """
            import fcntl, os, sys
            fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX)
            print("locked", flush=True)
            sys.stdin.readline()
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            print("released", flush=True)
            """;
        using var holder = Child.StartPython(python, holdLock, Path.Combine(dir.Path, LlmProfileStore.LockFileName));
        await holder.WaitForLineAsync("locked", cancellationToken);

        var replacement = StressProfiles.Create(new Random(8));
        var watch = Stopwatch.StartNew();
        var newProfile = () => store.SaveAsync("fresh", replacement, cancellationToken: cancellationToken);
        var overwrite = () => store.SaveAsync("existing", replacement, cancellationToken: cancellationToken);
        await newProfile.Should().ThrowAsync<StoreBusyException>();
        await overwrite.Should().ThrowAsync<StoreBusyException>();
        watch.Stop();

        watch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(550), "each save waits its 300 ms timeout");
        File.Exists(store.GetPath(ProfileName.Create("fresh"))).Should().BeFalse();
        (await File.ReadAllBytesAsync(store.GetPath(ProfileName.Create("existing")), cancellationToken)).Should().Equal(existingBytes);
        TempFiles(dir.Path).Should().BeEmpty();

        await holder.SendLineAsync("release");
        await holder.WaitForLineAsync("released", cancellationToken);
        (await holder.WaitForExitAsync(cancellationToken)).ExitCode.Should().Be(0, holder.Errors);

        await store.SaveAsync("fresh", replacement, cancellationToken: cancellationToken);
        await store.SaveAsync("existing", replacement, cancellationToken: cancellationToken);
        (await store.LoadAsync("fresh", cancellationToken)).Should().Be(replacement);
        (await store.LoadAsync("existing", cancellationToken)).Should().Be(replacement);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task FileLock_StoreHoldsLock_PythonFlockIsRefusedUntilReleased(CancellationToken cancellationToken)
    {
        var python = FindPython();
        using var dir = TempDirectory.Create();
        var lockPath = Path.Combine(dir.Path, LlmProfileStore.LockFileName);
        // Python's filelock takes LOCK_EX | LOCK_NB; a shared lock is refused too only if the store holds LOCK_EX.
        const string tryLock = """
            import fcntl, os, sys
            fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
            results = []
            for kind, op in (("ex", fcntl.LOCK_EX), ("sh", fcntl.LOCK_SH)):
                try:
                    fcntl.flock(fd, op | fcntl.LOCK_NB)
                    fcntl.flock(fd, fcntl.LOCK_UN)
                    results.append(kind + ":acquired")
                except BlockingIOError:
                    results.append(kind + ":busy")
            os.close(fd)
            print(" ".join(results), flush=True)
            """;

        // The store's own lock, held as SaveAsync holds it while it replaces a file.
        using (await FileLock.AcquireAsync(lockPath, TimeSpan.FromSeconds(5), cancellationToken))
        {
            using var refused = Child.StartPython(python, tryLock, lockPath);
            var (_, output) = await refused.WaitForExitAsync(cancellationToken);
            output.Trim().Should().Be("ex:busy sh:busy", refused.Errors);
        }

        using var granted = Child.StartPython(python, tryLock, lockPath);
        (await granted.WaitForExitAsync(cancellationToken)).Output.Trim().Should().Be("ex:acquired sh:acquired", granted.Errors);
    }

    private static async Task<CrashLaneResult> RunCrashLaneAsync(string folder, int lane, CancellationToken cancellationToken)
    {
        var random = new Random(4242 + lane);
        var plainStore = new LlmProfileStore(new() { Directory = folder });
        var cipherStore = new LlmProfileStore(new() { Directory = folder }, StressCipher);

        // Pre-seed every profile, so a missing file after a kill is detectable.
        foreach (var name in CrashProfiles)
        {
            await plainStore.SaveAsync(name, StressProfiles.Create(random), cancellationToken: cancellationToken);
        }

        var before = await SnapshotAsync(folder, cancellationToken);
        var changed = 0;
        var encrypted = 0;
        for (var i = 0; i < CrashIterationsPerLane; i++)
        {
            var useCipher = random.Next(3) == 0;
            encrypted += useCipher ? 1 : 0;
            string[] args = useCipher
                ? ["save-loop", folder, random.Next().ToString(CultureInfo.InvariantCulture), CipherKey]
                : ["save-loop", folder, random.Next().ToString(CultureInfo.InvariantCulture)];
            using (var child = Child.Start(redirectInput: false, args))
            {
                await child.WaitForLineAsync("ready", cancellationToken);
                await Task.Delay(random.Next(0, 31), cancellationToken);
                await child.KillAsync(cancellationToken);
            }

            await VerifyCrashFolderAsync(folder, plainStore, cipherStore, $"lane {lane}, kill {i + 1}", cancellationToken);
            var after = await SnapshotAsync(folder, cancellationToken);
            changed += after.SequenceEqual(before) ? 0 : 1;
            before = after;
        }

        return new CrashLaneResult(CrashIterationsPerLane, changed, TempFiles(folder).Count, encrypted);
    }

    private static async Task VerifyCrashFolderAsync(
        string folder, LlmProfileStore plainStore, LlmProfileStore cipherStore, string when, CancellationToken cancellationToken)
    {
        foreach (var name in CrashProfiles)
        {
            var path = Path.Combine(folder, name + ".json");
            File.Exists(path).Should().BeTrue($"{name}.json must survive ({when})");
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            bytes.Should().NotBeEmpty($"{name}.json must not be empty ({when})");
            var isEncrypted = ParseApiKey(bytes, $"{name}.json ({when})") is { } key && Cipher.LooksEncrypted(key);

            var store = isEncrypted ? cipherStore : plainStore;
            var llm = await store.LoadAsync(name, cancellationToken);
            StressProfiles.Verify($"{name} ({when})", llm);
        }

        var listed = await plainStore.ListAsync(cancellationToken);
        listed.Select(n => n.Value).Should().Equal(CrashProfiles, $"temp files left by a kill are never profiles ({when})");
    }

    private static async Task VerifySharedFolderAsync(string folder)
    {
        var store = new LlmProfileStore(new() { Directory = folder }, StressCipher);
        var onDisk = Directory.EnumerateFiles(folder, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList();
        var listed = (await store.ListAsync()).Select(n => n.Value).ToList();
        listed.Should().Equal(onDisk);
        listed.Should().BeSubsetOf(MixedWorkload.Names);
        listed.Should().NotBeEmpty("the workloads saved far more often than they deleted");

        foreach (var name in listed)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(folder, name + ".json"));
            Cipher.LooksEncrypted(ParseApiKey(bytes, name + ".json")).Should().BeTrue($"{name}.json was saved with a cipher");
            StressProfiles.Verify(name, await store.LoadAsync(name));
        }

        (await store.ListSummariesAsync()).Select(s => s.Name.Value).Should().Equal(listed);
        TempFiles(folder).Should().BeEmpty("no process was killed, so every temp file was renamed or deleted");
    }

    private static string? ParseApiKey(byte[] bytes, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            Assert.Fail($"{what} is torn: {ex.Message}; it ends with: {Encoding.UTF8.GetString(bytes[^Math.Min(80, bytes.Length)..])}");
            throw;
        }

        using (document)
        {
            document.RootElement.ValueKind.Should().Be(JsonValueKind.Object, what);
            return document.RootElement.TryGetProperty("api_key", out var key) ? key.GetString() : null;
        }
    }

    private static async Task<List<string>> SnapshotAsync(string folder, CancellationToken cancellationToken)
    {
        var snapshot = new List<string>();
        foreach (var name in CrashProfiles)
        {
            snapshot.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
                await File.ReadAllBytesAsync(Path.Combine(folder, name + ".json"), cancellationToken))));
        }

        return snapshot;
    }

    private static List<string> TempFiles(string folder) =>
        Directory.EnumerateFiles(folder).Select(Path.GetFileName).Where(n => AtomicFile.IsTempFile(n!)).ToList()!;

    private static string FindPython()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("fcntl.flock exists only on Unix; the Python lock interop tests run on Linux and macOS.");
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "python3");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Ignore("python3 is not on PATH; the lock interop test with Python's fcntl.flock needs it.");
        return null!;
    }

    private sealed record CrashLaneResult(int Kills, int IterationsThatChangedFiles, int TempFilesLeft, int EncryptedIterations);

    /// <summary>A child process with its standard output read line by line and its standard error collected.</summary>
    internal sealed class Child : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _errors = new();
        private readonly StringBuilder _output = new();

        private Child(Process process)
        {
            _process = process;
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (_errors)
                    {
                        _errors.AppendLine(e.Data);
                    }
                }
            };
            _process.BeginErrorReadLine();
        }

        public string Errors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToString();
                }
            }
        }

        /// <summary>Starts <c>dotnet OpenHands.Sdk.StressChild.dll</c> with <paramref name="args"/>.</summary>
        public static Child Start(bool redirectInput, params string[] args)
        {
            var info = NewStartInfo(DotnetHost(), redirectInput);
            info.ArgumentList.Add(ChildDll);
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            return new Child(Process.Start(info)!);
        }

        public static Child StartPython(string python, string script, params string[] args)
        {
            var info = NewStartInfo(python, redirectInput: true);
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(script);
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            return new Child(Process.Start(info)!);
        }

        public async Task WaitForLineAsync(string expected, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            while (true)
            {
                var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    await _process.WaitForExitAsync(timeout.Token);
                    Assert.Fail($"The child exited ({_process.ExitCode}) before printing '{expected}'. Output:\n{_output}\nErrors:\n{Errors}");
                }

                _output.AppendLine(line);
                if (line == expected)
                {
                    return;
                }
            }
        }

        public async Task SendLineAsync(string line)
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
        }

        /// <summary>Reads the rest of the output and waits for the exit.</summary>
        public async Task<(int ExitCode, string Output)> WaitForExitAsync(CancellationToken cancellationToken)
        {
            var rest = await _process.StandardOutput.ReadToEndAsync(cancellationToken);
            await _process.WaitForExitAsync(cancellationToken);
            return (_process.ExitCode, rest);
        }

        public async Task KillAsync(CancellationToken cancellationToken)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(cancellationToken);
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(5_000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            _process.Dispose();
        }

        private static string ChildDll
        {
            get
            {
                var path = typeof(StressProfiles).Assembly.Location;
                File.Exists(path).Should().BeTrue("the test project references OpenHands.Sdk.StressChild, so its dll is in the output folder");
                File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")).Should().BeTrue("the child's runtimeconfig.json is copied beside it");
                return path;
            }
        }

        private static ProcessStartInfo NewStartInfo(string fileName, bool redirectInput) => new(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            StandardOutputEncoding = Encoding.UTF8,
        };

        private static string DotnetHost()
        {
            // `dotnet test` tells child processes which host it runs on; fall back to this process, then to PATH.
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host))
            {
                return host;
            }

            var self = Environment.ProcessPath;
            return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        }
    }
}
