using System.Diagnostics;
using System.Reflection.PortableExecutable;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Benchmarks;

/// <summary>This benchmark program started again as a fresh process (the cold figures), and what code such a process runs.</summary>
internal static class SelfProcess
{
    /// <summary>The start info that runs this program again with <paramref name="args"/> (through the dotnet host when it runs that way).</summary>
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>
    /// Whether the SDK and server assemblies this program loads are precompiled (ReadyToRun, as a
    /// <c>dotnet publish -r linux-x64</c> of this project makes them) or IL only, compiled by the JIT at first use (a
    /// plain build, <c>dotnet run</c>): a line for the output, since the cold figures depend on it.
    /// </summary>
    public static string CodeDescription()
    {
        var sdk = IsReadyToRun(typeof(LlmProfileStore).Assembly.Location);
        var server = IsReadyToRun(typeof(OpenHands.AgentServer.AgentServerOptions).Assembly.Location);
        return (sdk, server) switch
        {
            (true, true) when IsComposite() => "Fresh processes run the SDK, the server and the framework precompiled in one "
                + "composite image (a self-contained ReadyToRun publish with -p:PublishReadyToRunComposite=true).",
            (true, true) => "Fresh processes run the SDK and the server precompiled (ReadyToRun), as a published app does.",
            (false, false) => "Fresh processes run the SDK and the server as IL compiled at first use (a plain build): for the figures users "
                + "get from a published app, run the published benchmarks (docs/benchmarks.md).",
            _ => $"Fresh processes run the SDK {(sdk ? "precompiled" : "as IL")} and the server {(server ? "precompiled" : "as IL")}.",
        };
    }

    /// <summary>Whether this program was published self-contained with one composite image of the app and the framework.</summary>
    private static bool IsComposite() =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "*.r2r.dll").Any()
        && Path.GetDirectoryName(typeof(object).Assembly.Location) == Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);

    private static bool IsReadyToRun(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }
}
