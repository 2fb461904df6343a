namespace OpenHands.AgentServer.Tests.Support;

/// <summary>One temp folder and one started server per test.</summary>
public abstract class ServerTestBase
{
    protected TempDirectory Dir { get; private set; } = null!;

    protected TestServer Server { get; private set; } = null!;

    protected virtual void Configure(AgentServerOptions options)
    {
    }

    [SetUp]
    public async Task StartServerAsync()
    {
        Dir = TempDirectory.Create();
        Server = await TestServer.StartAsync(Dir.Path, Configure);
    }

    [TearDown]
    public async Task StopServerAsync()
    {
        await Server.DisposeAsync();
        Dir.Dispose();
    }

    protected async Task RestartAsync()
    {
        await Server.DisposeAsync();
        Server = await TestServer.StartAsync(Dir.Path, Configure);
    }
}
