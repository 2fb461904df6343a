using System.Net;
using System.Text.Json;

using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Host;

/// <summary>
/// The runnable server is its own small program (issue 11: the server package is a library, the host an app of its
/// own). These tests start the real host, <c>dotnet OpenHands.AgentServer.Host.dll</c>, as a user starts it, with the
/// Python agent-server's environment variables, and talk to it over loopback.
/// </summary>
[Category("AgentServer")]
[NonParallelizable]
public sealed class HostProcessTests
{
    private const string SessionKey = "sk-test-host-session";
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(90);

    private TempDirectory _dir = null!;

    [SetUp]
    public void CreateFolders() => _dir = TempDirectory.Create();

    [TearDown]
    public void DeleteFolders() => _dir.Dispose();

    [Test]
    public async Task Host_StartedWithPythonVariables_ServesTheApiWithTheSessionKeyAndWritesOnlyUnderThePersistenceFolder()
    {
        var persistence = _dir.Combine("persistence");
        var workingDirectory = Directory.CreateDirectory(_dir.Combine("cwd")).FullName;
        var host = await HostProcess.StartAsync(workingDirectory, new Dictionary<string, string>
        {
            ["OH_PERSISTENCE_DIR"] = persistence,
            ["SESSION_API_KEY"] = SessionKey,
            ["OH_SECRET_KEY"] = "sk-test-host-secret",
        });
        await using (host)
        {
            using var client = new HttpClient { BaseAddress = host.Address, Timeout = Liveness };

            (await client.GetAsync(new Uri("/alive", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
            (await client.GetAsync(new Uri("/api/profiles", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/profiles", UriKind.Relative));
            request.Headers.Add("X-Session-API-Key", SessionKey);
            using var response = await client.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            body.RootElement.GetProperty("profiles").GetArrayLength().Should().Be(0);
        }

        Directory.EnumerateFileSystemEntries(workingDirectory).Should().BeEmpty("nothing goes into the folder the server is started from");
        Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName).Should().BeSubsetOf(["persistence", "cwd", "home"], "the server's files go under OH_PERSISTENCE_DIR only");
    }

    [Test]
    public async Task Host_WithAnInvalidSetting_StopsWithAMessageNamingIt()
    {
        using var host = HostProcess.Launch(Directory.CreateDirectory(_dir.Combine("cwd")).FullName, new Dictionary<string, string>
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
}
