using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;

namespace OpenHands.Benchmarks;

/// <summary>
/// The agent server in a fresh process of this benchmark program, driven over the child's standard input and output,
/// so that its first requests are timed from this process with a client that is already warm, as a user's client (a
/// browser, <c>curl</c>, another program) sees them. A client started in the server's own process would add its own cold
/// start (about 40–130 ms of JIT for <see cref="HttpClient"/>'s first request here) to the server's figure.
/// </summary>
/// <remarks>
/// The child prints <c>READY address</c> once the server has started (its start-up warm-up done), then answers one
/// command per line: <c>cpu</c> with <c>CPU ms</c> (the processor time used since it printed <c>READY</c>), any other
/// command with the line its <see cref="ServeAsync"/> callback returns, and <c>quit</c> by returning (the caller stops its server).
/// </remarks>
internal sealed class FreshServerProcess : IAsyncDisposable
{
    private readonly Process _child;

    private FreshServerProcess(Process child, string address)
    {
        _child = child;
        Address = address;
    }

    /// <summary>The base address the child's server listens on.</summary>
    public string Address { get; }

    /// <summary>Starts this program again with <paramref name="args"/> and waits until its server has started.</summary>
    public static async Task<FreshServerProcess> StartAsync(params string[] args)
    {
        var start = SelfProcess.StartInfo(args);
        start.RedirectStandardInput = true;
        var child = Process.Start(start)!;
        var ready = await child.StandardOutput.ReadLineAsync();
        if (ready is null || !ready.StartsWith("READY ", StringComparison.Ordinal))
        {
            var rest = await child.StandardOutput.ReadToEndAsync();
            child.Dispose();
            throw new InvalidOperationException($"The server child did not start: {ready}{rest}");
        }

        return new FreshServerProcess(child, ready["READY ".Length..]);
    }

    /// <summary>The processor time the child has used since its server reported started, in ms.</summary>
    public async Task<double> CpuMsAsync()
    {
        var line = await AskAsync("cpu");
        return double.Parse(line["CPU ".Length..], CultureInfo.InvariantCulture);
    }

    /// <summary>Sends one command to the child and returns its answer line.</summary>
    public async Task<string> AskAsync(string command)
    {
        await _child.StandardInput.WriteLineAsync(command);
        await _child.StandardInput.FlushAsync();
        return await _child.StandardOutput.ReadLineAsync()
            ?? throw new InvalidOperationException($"The server child exited before answering '{command}'.");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _child.StandardInput.WriteLineAsync("quit");
            await _child.StandardInput.FlushAsync();
        }
        catch (IOException)
        {
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _child.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _child.Kill(entireProcessTree: true);
        }

        _child.Dispose();
    }

    /// <summary>
    /// The child's side: reports <paramref name="app"/> ready, then answers the parent's commands until <c>quit</c>;
    /// <paramref name="answer"/> gives the line for a command other than <c>cpu</c>.
    /// </summary>
    public static async Task ServeAsync(WebApplication app, Func<string, string> answer)
    {
        var input = Console.In; // created before the baseline: the reader's setup is not the request's cost
        using var self = Process.GetCurrentProcess();
        var cpuAtReady = self.TotalProcessorTime;
        Console.WriteLine("READY " + BenchServer.Address(app));
        while (await input.ReadLineAsync() is { } command && command != "quit")
        {
            self.Refresh();
            Console.WriteLine(command == "cpu"
                ? string.Create(CultureInfo.InvariantCulture, $"CPU {(self.TotalProcessorTime - cpuAtReady).TotalMilliseconds:F3}")
                : answer(command));
        }
    }
}
