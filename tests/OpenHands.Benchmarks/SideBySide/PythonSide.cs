using System.Diagnostics;
using System.Text.Json;

namespace OpenHands.Benchmarks.SideBySide;

/// <summary>One cold run: the call's wall and CPU time inside its process, and the process's whole run as the parent saw it.</summary>
internal readonly record struct ColdSample(double Wall, double Cpu, double Process);

/// <summary>
/// The Python SDK's side: <c>python/bench_python.py</c> run by the interpreter named by <c>OH_PYTHON</c> (default
/// <c>python3</c>) on the checkout named by <c>OH_PYTHON_SDK_SRC</c>. A worker process answers warm commands; cold
/// figures start a fresh interpreter each.
/// </summary>
internal sealed class PythonSide : IDisposable
{
    private readonly Process _worker;

    private PythonSide(Process worker) => _worker = worker;

    public string Description { get; private set; } = string.Empty;

    private static string Script => Path.Combine(AppContext.BaseDirectory, "python", "bench_python.py");

    private static string Interpreter => Environment.GetEnvironmentVariable("OH_PYTHON") is { Length: > 0 } p ? p : "python3";

    /// <summary>Starts the worker, or gives the reason the Python side is skipped.</summary>
    public static PythonSide? TryStart(out string reason)
    {
        if (Environment.GetEnvironmentVariable("OH_PYTHON_SDK_SRC") is not { Length: > 0 })
        {
            reason = "OH_PYTHON_SDK_SRC is not set (a checkout of the Python SDK at v1.43.1; see docs/benchmarks.md)";
            return null;
        }

        Process process;
        try
        {
            process = Start("worker");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            reason = $"cannot start '{Interpreter}' ({ex.Message}); set OH_PYTHON to a Python 3.11+ with pydantic 2";
            return null;
        }

        var first = process.StandardOutput.ReadLine();
        using var hello = first is null ? null : JsonDocument.Parse(first);
        if (hello is null || !hello.RootElement.TryGetProperty("ready", out _))
        {
            reason = hello?.RootElement.TryGetProperty("unusable", out var why) == true
                ? why.GetString()!
                : "the Python worker exited: " + process.StandardError.ReadToEnd().Trim().Split('\n').LastOrDefault();
            process.Kill();
            process.Dispose();
            return null;
        }

        reason = string.Empty;
        var stubbed = hello.RootElement.GetProperty("stubbed").EnumerateObject().Select(p => p.Name.Split('.')[0]).Distinct().Order();
        return new PythonSide(process)
        {
            Description = $"Python {hello.RootElement.GetProperty("python").GetString()}, placeholder modules for {string.Join(", ", stubbed)}",
        };
    }

    /// <summary>Sends one command to the worker and returns its answer.</summary>
    public JsonElement Send(object command)
    {
        _worker.StandardInput.WriteLine(JsonSerializer.Serialize(command));
        _worker.StandardInput.Flush();
        var line = _worker.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException("The Python worker exited: " + _worker.StandardError.ReadToEnd());
        using var answer = JsonDocument.Parse(line);
        return answer.RootElement.Clone();
    }

    /// <summary>Milliseconds the worker took for <paramref name="command"/>.</summary>
    public double Time(object command) => Send(command).GetProperty("ms").GetDouble();

    /// <summary>A fresh interpreter's first <paramref name="kind"/> (<c>cold-replay</c>, <c>cold-profiles</c>) of <paramref name="folder"/>, in ms.</summary>
    public static async Task<ColdSample> ColdAsync(string kind, string folder)
    {
        var started = Stopwatch.GetTimestamp();
        using var process = Start(kind, folder);
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"The Python {kind} printed nothing: {error}");
        using var answer = JsonDocument.Parse(last);
        return new ColdSample(answer.RootElement.GetProperty("ms").GetDouble(), answer.RootElement.GetProperty("cpu_ms").GetDouble(),
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    public void Dispose()
    {
        try
        {
            Send(new { op = "quit" });
        }
        catch (InvalidOperationException)
        {
        }
        catch (IOException)
        {
        }

        if (!_worker.WaitForExit(5000))
        {
            _worker.Kill();
        }

        _worker.Dispose();
    }
}
