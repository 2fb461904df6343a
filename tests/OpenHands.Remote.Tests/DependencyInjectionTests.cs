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
        await workspace.SaveProfileAsync("fast", new Llm("openai/fast"));

        services.GetRequiredService<RemoteWorkspace>().Should().BeSameAs(workspace);
        (await workspace.ListProfilesAsync()).Profiles.Should().ContainSingle();
    }

    [Test]
    public async Task AddOpenHandsRemote_WithHttpClientFactoryFunction_SendsThroughThatClient()
    {
        var recorder = new RecordingHandler { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(recorder);
        await using var services = new ServiceCollection()
            .AddOpenHandsRemote(o => { o.BaseAddress = Server.BaseAddress; o.SessionApiKey = new SecretString("session-key-di-1"); }, _ => http)
            .BuildServiceProvider();

        await services.GetRequiredService<RemoteWorkspace>().GetSettingsAsync();

        recorder.Requests.Should().ContainSingle().Which.Path.Should().Be("/api/settings");
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
