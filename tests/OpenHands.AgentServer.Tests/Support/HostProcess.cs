using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenHands.AgentServer.Tests.Support;

/// <summary>
/// The real host, <c>dotnet OpenHands.AgentServer.Host.dll</c>, started as a user starts it (its own process, listening
/// on a free loopback port), with only the environment the test gives it. Its output is read all the time (so it never
/// blocks on a full pipe) and kept for failure messages. <see cref="KillAsync"/> is <c>kill -9</c>.
/// </summary>
internal sealed partial class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(90);
    private static readonly string[] Inherited = ["OH_PERSISTENCE_DIR", "OH_CONVERSATIONS_PATH", "OH_LLM_PROFILES_PATH", "OH_SECRET_KEY", "SESSION_API_KEY", "OH_SESSION_API_KEYS_0", "ASPNETCORE_URLS", "OH_DATABASE_URL", "OH_INSTANCE_URL"];
    private readonly StringBuilder _output = new();
    private readonly Task _drain;

    private HostProcess(Process process, Uri address, Task drain)
    {
        Process = process;
        Address = address;
        _drain = drain;
    }

    public static string HostDll => Path.Combine(AppContext.BaseDirectory, "OpenHands.AgentServer.Host.dll");

    public Process Process { get; }

    /// <summary>Gets the address from Kestrel's "Now listening on: …" line.</summary>
    public Uri Address { get; }

    /// <summary>Gets what the host printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a process; <see cref="ReadyAsync"/> waits until it listens.</summary>
    public static Process Launch(string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(HostDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var name in Inherited)
        {
            start.Environment.Remove(name);
        }

        // A home of its own beside the working folder (ASP.NET Core keeps its data-protection keys in ~/.aspnet).
        start.Environment["HOME"] = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(workingDirectory)!, "home")).FullName;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>Starts the host and waits until it listens.</summary>
    public static Task<HostProcess> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment) =>
        ReadyAsync(Launch(workingDirectory, environment));

    /// <summary>Waits for the listening line of a launched host, then keeps reading its output in the background.</summary>
    public static async Task<HostProcess> ReadyAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(Liveness);
        var seen = new StringBuilder();
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                HostProcess? host = null;
                var drain = Task.WhenAll(Drain(process.StandardOutput, () => host), Drain(process.StandardError, () => host));
                host = new HostProcess(process, new Uri(match.Groups[1].Value), drain);
                host.Append(seen.ToString());
                return host;
            }
        }

        throw new AssertionException($"The host exited (code {(process.HasExited ? process.ExitCode : -1)}) before listening:\n{seen}{await process.StandardError.ReadToEndAsync()}");
    }

    /// <summary>Kills the process at once (SIGKILL: no shutdown code runs) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(Liveness);
        await Process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        await _drain.WaitAsync(Liveness);
        Process.Dispose();
    }

    private static async Task Drain(StreamReader reader, Func<HostProcess?> host)
    {
        await Task.Yield();
        while (await reader.ReadLineAsync() is { } line)
        {
            host()?.Append(line + "\n");
        }
    }

    private void Append(string text)
    {
        lock (_output)
        {
            if (_output.Length < 1 << 20)
            {
                _output.Append(text);
            }
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
