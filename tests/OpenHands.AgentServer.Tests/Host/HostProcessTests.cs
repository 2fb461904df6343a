using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenHands.AgentServer.Tests.Host;

/// <summary>
/// The runnable server is its own small program (issue 11: the server package is a library, the host an app of its
/// own). These tests start the real host, <c>dotnet OpenHands.AgentServer.Host.dll</c>, as a user starts it, with the
/// Python agent-server's environment variables, and talk to it over loopback.
/// </summary>
[Category("AgentServer")]
[NonParallelizable]
public sealed partial class HostProcessTests
{
    private const string SessionKey = "sk-test-host-session";
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(90);

    private TempDirectory _dir = null!;

    private static string HostDll => Path.Combine(AppContext.BaseDirectory, "OpenHands.AgentServer.Host.dll");

    [SetUp]
    public void CreateFolders() => _dir = TempDirectory.Create();

    [TearDown]
    public void DeleteFolders() => _dir.Dispose();

    [Test]
    public async Task Host_StartedWithPythonVariables_ServesTheApiWithTheSessionKeyAndWritesOnlyUnderThePersistenceFolder()
    {
        var persistence = _dir.Combine("persistence");
        var workingDirectory = Directory.CreateDirectory(_dir.Combine("cwd")).FullName;
        using var host = Start(workingDirectory, new()
        {
            ["OH_PERSISTENCE_DIR"] = persistence,
            ["SESSION_API_KEY"] = SessionKey,
            ["OH_SECRET_KEY"] = "sk-test-host-secret",
        });
        try
        {
            var address = await ListeningAddressAsync(host);
            using var client = new HttpClient { BaseAddress = address, Timeout = Liveness };

            (await client.GetAsync(new Uri("/alive", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
            (await client.GetAsync(new Uri("/api/profiles", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/profiles", UriKind.Relative));
            request.Headers.Add("X-Session-API-Key", SessionKey);
            using var response = await client.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            body.RootElement.GetProperty("profiles").GetArrayLength().Should().Be(0);
        }
        finally
        {
            await StopAsync(host);
        }

        Directory.EnumerateFileSystemEntries(workingDirectory).Should().BeEmpty("nothing goes into the folder the server is started from");
        Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName).Should().BeSubsetOf(["persistence", "cwd", "home"], "the server's files go under OH_PERSISTENCE_DIR only");
    }

    [Test]
    public async Task Host_WithAnInvalidSetting_StopsWithAMessageNamingIt()
    {
        using var host = Start(Directory.CreateDirectory(_dir.Combine("cwd")).FullName, new()
        {
            ["OH_PERSISTENCE_DIR"] = _dir.Combine("persistence"),
            ["AgentServer__MaxProfiles"] = "0",
        });
        var stderr = host.StandardError.ReadToEndAsync();
        var stdout = host.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Liveness);
        await host.WaitForExitAsync(timeout.Token);

        host.ExitCode.Should().NotBe(0);
        (await stdout + await stderr).Should().Contain("MaxProfiles");
    }

    private static Process Start(string workingDirectory, Dictionary<string, string> environment)
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
        foreach (var name in new[] { "OH_PERSISTENCE_DIR", "OH_CONVERSATIONS_PATH", "OH_LLM_PROFILES_PATH", "OH_SECRET_KEY", "SESSION_API_KEY", "OH_SESSION_API_KEYS_0", "ASPNETCORE_URLS" })
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

    /// <summary>The address from Kestrel's "Now listening on: …" line.</summary>
    private static async Task<Uri> ListeningAddressAsync(Process host)
    {
        using var timeout = new CancellationTokenSource(Liveness);
        var seen = new System.Text.StringBuilder();
        while (await host.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value);
            }
        }

        throw new AssertionException($"The host exited (code {(host.HasExited ? host.ExitCode : -1)}) before listening:\n{seen}{await host.StandardError.ReadToEndAsync()}");
    }

    private static async Task StopAsync(Process host)
    {
        if (!host.HasExited)
        {
            host.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(Liveness);
        await host.WaitForExitAsync(timeout.Token);
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
