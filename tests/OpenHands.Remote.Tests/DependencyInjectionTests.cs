using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Remote;
using OpenHands.Sdk.Security;

namespace OpenHands.Remote.Tests;

[Parallelizable(ParallelScope.All)]
[Category("Remote")]
public sealed class DependencyInjectionTests : RemoteTestBase
{
    protected override IReadOnlyList<string> ServerSessionKeys => ["session-key-di-1"];

    [Test]
    public async Task AddOpenHandsRemote_Configured_ResolvesAWorkingWorkspace()
    {
        await using var services = new ServiceCollection()
            .AddOpenHandsRemote(o =>
            {
                o.BaseAddress = Server.BaseAddress;
                o.SessionApiKey = new SecretString("session-key-di-1");
            })
            .BuildServiceProvider();

        var workspace = services.GetRequiredService<RemoteWorkspace>();
        await workspace.Profiles.SaveAsync("fast", new Llm("openai/fast"));

        services.GetRequiredService<RemoteWorkspace>().Should().BeSameAs(workspace);
        (await workspace.Profiles.ListAsync()).Profiles.Should().ContainSingle();
    }

    [Test]
    public async Task AddOpenHandsRemote_WithHttpClientFactoryFunction_SendsThroughThatClient()
    {
        var recorder = new RecordingHandler { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(recorder);
        await using var services = new ServiceCollection()
            .AddOpenHandsRemote(o => { o.BaseAddress = Server.BaseAddress; o.SessionApiKey = new SecretString("session-key-di-1"); }, _ => http)
            .BuildServiceProvider();

        await services.GetRequiredService<RemoteWorkspace>().Settings.LoadAsync();

        recorder.Requests.Should().ContainSingle().Which.Path.Should().Be("/api/settings");
    }

    [Test]
    public async Task AddOpenHandsRemote_WithIHttpClientFactory_TakesAClientPerRequest()
    {
        var created = 0;
        var services = new ServiceCollection();
        services.AddHttpClient("openhands", c => c.Timeout = Timeout.InfiniteTimeSpan);
        await using var provider = services
            .AddOpenHandsRemote(
                o => { o.BaseAddress = Server.BaseAddress; o.SessionApiKey = new SecretString("session-key-di-1"); },
                sp =>
                {
                    Interlocked.Increment(ref created);
                    return sp.GetRequiredService<IHttpClientFactory>().CreateClient("openhands");
                })
            .BuildServiceProvider();
        var workspace = provider.GetRequiredService<RemoteWorkspace>();

        await workspace.Profiles.SaveAsync("fast", new Llm("openai/fast"));
        await workspace.Profiles.ActivateAsync("fast");
        var settings = await workspace.Settings.LoadAsync();

        settings.Settings.ActiveProfile!.Value.Value.Should().Be("fast");
        created.Should().Be(3, "each request takes its client from the factory, whose handlers it rotates");
    }

    [Test]
    public async Task Constructor_WithClientSource_NeverDisposesTheCallersClients()
    {
        using var http = new HttpClient();
        var workspace = new RemoteWorkspace(
            new RemoteWorkspaceOptions { BaseAddress = Server.BaseAddress, SessionApiKey = new SecretString("session-key-di-1") }, () => http);
        await workspace.Settings.LoadAsync();

        workspace.Dispose();

        (await http.GetAsync(new Uri(Server.BaseAddress, "health"))).IsSuccessStatusCode.Should().BeTrue();
    }

    [Test]
    public void AddOpenHandsRemote_InvalidOptions_FailsWithEveryProblem()
    {
        using var services = new ServiceCollection()
            .AddOpenHandsRemote(o => { o.MaxAttempts = 0; o.RetryDelay = TimeSpan.FromSeconds(-1); })
            .BuildServiceProvider();

        var act = () => services.GetRequiredService<RemoteWorkspace>();

        act.Should().Throw<OptionsValidationException>()
            .WithMessage("*BaseAddress is required*").WithMessage("*MaxAttempts*").WithMessage("*RetryDelay*");
    }

    [Test]
    public void Constructor_RelativeBaseAddress_ThrowsArgumentException()
    {
        var act = () => new RemoteWorkspace(new RemoteWorkspaceOptions { BaseAddress = new Uri("/relative", UriKind.Relative) });

        act.Should().Throw<ArgumentException>().WithMessage("*absolute http or https*");
    }
}
