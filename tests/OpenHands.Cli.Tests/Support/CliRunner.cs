using System.Diagnostics;

namespace OpenHands.Cli.Tests.Support;

/// <summary>The result of one CLI invocation.</summary>
public sealed record CliResult(int Exit, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;

    public override string ToString() => $"exit {Exit}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the CLI in-process (captured writers, private environment) or as a real process (<c>dotnet openhands.dll</c>).</summary>
public static class CliRunner
{
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "openhands.dll");

    /// <summary>Calls the command entry in-process. The environment is only <paramref name="env"/>: the test process's own is not seen.</summary>
    public static async Task<CliResult> InProcessAsync(TempHome home, string[] args, Dictionary<string, string>? env = null, string? stdin = null, CancellationToken cancellationToken = default)
    {
        var environment = new Dictionary<string, string>(env ?? []);
        environment.TryAdd("OH_PERSISTENCE_DIR", home.Home);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var io = new CliIo
        {
            Out = stdout,
            Error = stderr,
            In = new StringReader(stdin ?? string.Empty),
            InputIsTerminal = false,
            Terminal = null,
            Environment = name => environment.GetValueOrDefault(name),
            CurrentDirectory = home.Workspace,
        };
        var exit = await CliApp.RunAsync(args, io, cancellationToken);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Starts <c>dotnet openhands.dll</c> with HOME set to the temp root (so ~/.openhands is the temp home).</summary>
    public static Process Start(TempHome home, string[] args, Dictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = home.Workspace,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = home.Root;
        start.Environment["USERPROFILE"] = home.Root;
        foreach (var name in new[] { "OH_PERSISTENCE_DIR", "OH_LLM_PROFILES_PATH", "OH_SECRET_KEY", "LLM_MODEL", "LLM_API_KEY", "LLM_BASE_URL" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (key, value) in env ?? [])
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    public static async Task<CliResult> ProcessAsync(TempHome home, string[] args, Dictionary<string, string>? env = null, string? stdin = null)
    {
        using var process = Start(home, args, env);
        return await CompleteAsync(process, stdin);
    }

    public static async Task<CliResult> CompleteAsync(Process process, string? stdin = null, Task<string>? stdout = null)
    {
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        stdout ??= process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
