using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OpenHands.AgentServer.Tests.Runtime;

/// <summary>
/// <see cref="AgentServerOptions"/> come from the <c>AgentServer</c> configuration section through the binder plus the
/// Python agent-server's environment variables, and are validated when the host starts (issue 11). Before: bound by hand,
/// a bad or misspelt value was silently ignored. Now the start fails with one message that names every bad setting and
/// the fix, before anything is written.
/// </summary>
[Category("AgentServer")]
public sealed class OptionsConfigurationTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void CreateFolder() => _dir = TempDirectory.Create();

    [TearDown]
    public void DeleteFolder() => _dir.Dispose();

    private Dictionary<string, string?> Configuration(params (string Key, string? Value)[] settings)
    {
        var configuration = new Dictionary<string, string?> { ["OH_PERSISTENCE_DIR"] = _dir.Combine("state") };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        return configuration;
    }

    [Test]
    public async Task Start_SectionAndPythonVariables_AreBoundEnvironmentFirst()
    {
        await using var host = await RuntimeHost.StartAsync(Configuration(
            ("AgentServer:MaxProfiles", "7"),
            ("AgentServer:SocketAuthTimeout", "00:00:03"),
            ("AgentServer:MaxSocketSubscribers", "4"),
            ("AgentServer:SessionApiKeys:0", "sk-test-section"),
            ("AgentServer:SecretKey", "test-passphrase-from-section"),
            ("SESSION_API_KEY", "sk-test-session"),
            ("OH_SESSION_API_KEYS_0", "sk-test-list-zero"),
            ("OH_SESSION_API_KEYS_1", "sk-test-list-one"),
            ("OH_SECRET_KEY", "test-passphrase-from-env")));

        var options = host.Services.GetRequiredService<IOptions<AgentServerOptions>>().Value;

        options.MaxProfiles.Should().Be(7);
        options.SocketAuthTimeout.Should().Be(TimeSpan.FromSeconds(3));
        options.MaxSocketSubscribers.Should().Be(4);
        options.SessionApiKeys.Should().Equal("sk-test-session", "sk-test-list-zero", "sk-test-list-one", "sk-test-section");
        options.SecretKey.Should().Be("test-passphrase-from-env", "the Python agent-server's variable wins over the section");
        options.PersistenceDirectory.Should().Be(_dir.Combine("state"));
    }

    [Test]
    public async Task Start_SeveralBadSettings_FailsWithOneMessageNamingEachAndWritesNothing()
    {
        var logs = new CollectingLoggerProvider();
        await using var app = RuntimeHost.Build(Configuration(
            ("AgentServer:MaxProfiles", "0"),
            ("AgentServer:SocketAuthTimeout", "-00:00:01"),
            ("AgentServer:MaxRequestBodyBytes", "-5"),
            ("AgentServer:SessionApiKeys:0", " "),
            ("AgentServer:SecretKey", "  ")), logs);

        var act = () => app.StartAsync();

        var error = (await act.Should().ThrowAsync<OptionsValidationException>()).Which;
        error.Message.Should().Contain("AgentServer:MaxProfiles must be at least 1 (it is 0)")
            .And.Contain("AgentServer:SocketAuthTimeout must be positive")
            .And.Contain("AgentServer:MaxRequestBodyBytes must be at least 1 (it is -5)")
            .And.Contain("AgentServer:SessionApiKeys:0 is blank")
            .And.Contain("AgentServer:SecretKey (or OH_SECRET_KEY) is blank")
            .And.Contain("Fix:");
        Directory.Exists(_dir.Combine("state")).Should().BeFalse("a rejected configuration starts nothing");
    }

    [TestCase("AgentServer:MaxProfile", "9", "AgentServer:MaxProfile is not a setting of the agent server")]
    [TestCase("AgentServer:MaxProfiles", "many", "AgentServer:MaxProfiles cannot be bound")]
    [TestCase("AgentServer:ValidateTimeout", "soon", "AgentServer:ValidateTimeout cannot be bound")]
    public async Task Start_UnknownOrUnconvertibleSetting_FailsNamingIt(string key, string value, string named)
    {
        var logs = new CollectingLoggerProvider();
        await using var app = RuntimeHost.Build(Configuration((key, value), ("AgentServer:MaxSocketSubscribers", "0")), logs);

        var act = () => app.StartAsync();

        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message
            .Should().Contain(named).And.Contain("Fix:")
            .And.Contain("AgentServer:MaxSocketSubscribers must be at least 1", "every problem is in the one message");
    }

    [Test]
    public async Task Start_PathsThatCannotBeFolders_FailNamingTheVariable()
    {
        var file = _dir.Combine("a-file");
        await File.WriteAllTextAsync(file, "x");
        var logs = new CollectingLoggerProvider();
        await using var app = RuntimeHost.Build(Configuration(("OH_CONVERSATIONS_PATH", file)), logs);

        var act = () => app.StartAsync();

        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message
            .Should().Contain("AgentServer:ConversationsPath (or OH_CONVERSATIONS_PATH) names a file");
    }
}
