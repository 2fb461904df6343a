using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace OpenHands.Benchmarks;

/// <summary>
/// Runs the benchmarks. Every benchmark runs in-process (BenchmarkDotNet 0.14 has no net10.0 moniker for its
/// out-of-process toolchains). Pass <c>--quick</c> for a short job (3 warm-ups, 3 measured iterations); other
/// arguments go to BenchmarkDotNet, for example <c>--filter '*ProfileLoad*'</c> or <c>--filter '*AgentServerLoad*'</c>
/// (the agent server under concurrent clients, see <see cref="AgentServerLoadBenchmarks"/>). <c>--interleaved</c> runs
/// only <see cref="InterleavedSaveCheck"/>, <c>--interleaved-server</c> only <see cref="InterleavedServerLoadCheck"/>,
/// <c>--history-cost</c> only <see cref="HistoryCostCheck"/> (events pages, the first request after a restart, a search
/// and count that load no conversation; <c>--history-cost-payloads DIR</c> only writes the restart's conversations), <c>--side-by-side</c> only <see cref="SideBySide.SideBySideCheck"/> (against the Python SDK on the same files).
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        if (args.Contains("--interleaved", StringComparer.Ordinal))
        {
            await InterleavedSaveCheck.RunAsync();
            return;
        }

        if (await HistoryCostCheck.TryRunChildAsync(args))
        {
            return;
        }

        if (await SideBySide.SideBySideCheck.TryRunChildAsync(args))
        {
            return;
        }

        if (Array.IndexOf(args, "--side-by-side-payloads") is var payloads and >= 0)
        {
            await SideBySide.SideBySideCheck.WritePayloadsAsync(args[payloads + 1]);
            return;
        }

        if (Array.IndexOf(args, "--history-cost-payloads") is var restart and >= 0)
        {
            await HistoryCostCheck.WritePayloadsAsync(args[restart + 1]);
            return;
        }

        if (args.Contains("--side-by-side", StringComparer.Ordinal))
        {
            await SideBySide.SideBySideCheck.RunAsync(args.Contains("--quick", StringComparer.Ordinal));
            return;
        }

        if (args.Contains("--history-cost", StringComparer.Ordinal))
        {
            await HistoryCostCheck.RunAsync(args.Contains("--quick", StringComparer.Ordinal));
            return;
        }

        if (args.Contains("--interleaved-server", StringComparer.Ordinal))
        {
            await InterleavedServerLoadCheck.RunAsync(startsOnly: args.Contains("--starts-only", StringComparer.Ordinal));
            return;
        }

        var quick = args.Contains("--quick", StringComparer.Ordinal);
        var rest = args.Where(a => !string.Equals(a, "--quick", StringComparison.Ordinal)).ToArray();

        // The full job stops at 40 measured iterations (BenchmarkDotNet's default allows 100), which keeps a run of
        // every benchmark under ten minutes on two cores; the file-system rows are noisy enough that more do not help.
        var job = (quick ? Job.ShortRun : Job.Default.WithMaxIterationCount(40)).WithToolchain(InProcessEmitToolchain.Instance);
        var config = DefaultConfig.Instance
            .AddJob(job.AsDefault())
            .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory)
            .WithOptions(ConfigOptions.JoinSummary);

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
    }
}
