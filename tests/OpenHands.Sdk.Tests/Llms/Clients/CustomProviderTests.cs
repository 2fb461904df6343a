using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Llms.Clients;

/// <summary>Applications plug their own IChatClient in for a model prefix, through options or DI.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Llm")]
public sealed class CustomProviderTests
{
    [Test]
    public async Task CreateClient_RegisteredPrefix_UsesTheCustomClient()
    {
        using var http = new HttpClient();
        var options = new LlmChatClientFactoryOptions();
        options.Providers["mycorp"] = llm => new EchoChatClient("mycorp:" + llm.Model);
        var factory = new LlmChatClientFactory(http, options);

        var response = await factory.CreateClient(new Llm("mycorp/model-1")).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        response.Text.Should().Be("mycorp:mycorp/model-1");
    }

    [Test]
    public void CreateClient_LongestPrefixWinsAndRegisteredPrefixOverridesBuiltIn()
    {
        using var http = new HttpClient();
        var options = new LlmChatClientFactoryOptions();
        options.Providers["litellm_proxy/"] = _ => new EchoChatClient("proxy");
        options.Providers["litellm_proxy/anthropic"] = _ => new EchoChatClient("proxy-anthropic");
        options.Providers["openai"] = _ => new EchoChatClient("my-openai");
        var factory = new LlmChatClientFactory(http, options);

        Label(factory.CreateClient(new Llm("litellm_proxy/anthropic/claude"))).Should().Be("proxy-anthropic");
        Label(factory.CreateClient(new Llm("litellm_proxy/gpt-4o"))).Should().Be("proxy");
        Label(factory.CreateClient(new Llm("openai/gpt-4o"))).Should().Be("my-openai");
        factory.CreateClient(new Llm("anthropic/claude-sonnet-4-5")).Should().NotBeOfType<EchoChatClient>();
        factory.CreateClient(new Llm("openai_compatible/x") { BaseUrl = "http://127.0.0.1:1" }).Should().NotBeOfType<EchoChatClient>();
    }

    [Test]
    public void CreateClient_OptionsChangedAfterConstruction_HaveNoEffect()
    {
        using var http = new HttpClient();
        var options = new LlmChatClientFactoryOptions();
        var factory = new LlmChatClientFactory(http, options);
        options.Providers["late"] = _ => new EchoChatClient("late");

        var act = () => factory.CreateClient(new Llm("late/model"));

        act.Should().Throw<LlmBadRequestException>();
    }

    [Test]
    public void Constructor_BlankPrefixOrNullFunction_Throws()
    {
        using var http = new HttpClient();
        var blank = new LlmChatClientFactoryOptions();
        blank.Providers[" / "] = _ => new EchoChatClient("x");
        var nullFunction = new LlmChatClientFactoryOptions();
        nullFunction.Providers["x"] = null!;

        FluentActions.Invoking(() => new LlmChatClientFactory(http, blank)).Should().Throw<ArgumentException>().WithMessage("*blank prefix*");
        FluentActions.Invoking(() => new LlmChatClientFactory(http, nullFunction)).Should().Throw<ArgumentException>().WithMessage("*'x'*null*");
        FluentActions.Invoking(() => new LlmChatClientFactory(null!)).Should().Throw<ArgumentNullException>();
    }

    [Test]
    public void CreateClient_ProviderReturnsNull_ThrowsInvalidOperation()
    {
        using var http = new HttpClient();
        var options = new LlmChatClientFactoryOptions();
        options.Providers["broken"] = _ => null!;

        var act = () => new LlmChatClientFactory(http, options).CreateClient(new Llm("broken/m"));

        act.Should().Throw<InvalidOperationException>().WithMessage("*'broken'*returned null*");
    }

    [Test]
    public async Task AddChatClientProvider_RegisteredThroughDi_IsUsedByTheFactoryWithServices()
    {
        using var dir = TempDirectory.Create();
        var services = new ServiceCollection();
        services.AddSingleton(new Greeting("hello from DI"));
        services.AddOpenHands(o => o.PersistenceDirectory = dir.Path)
            .AddChatClientProvider("mycorp", (sp, llm) => new EchoChatClient($"{sp.GetRequiredService<Greeting>().Text} for {llm.Model}"));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var factory = provider.GetRequiredService<LlmChatClientFactory>();
        var response = await factory.CreateClient(new Llm("mycorp/m1")).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        response.Text.Should().Be("hello from DI for mycorp/m1");
        provider.GetRequiredService<LlmChatClientFactory>().Should().BeSameAs(factory);
    }

    [Test]
    public async Task AddOpenHands_Factory_CallsBuiltInProvidersOverItsOwnHttpClient()
    {
        using var dir = TempDirectory.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        server.Enqueue(FakeReply.Text("from the fake provider"));
        var services = new ServiceCollection();
        services.AddOpenHands(o => o.PersistenceDirectory = dir.Path);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<LlmChatClientFactory>()
            .CreateClient(new Llm("openai/gpt-4o") { BaseUrl = server.BaseUrl + "/v1", NumRetries = 1 });
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        response.Text.Should().Be("from the fake provider");
    }

    [Test]
    public void AddChatClientProvider_InvalidArguments_Throw()
    {
        var builder = new ServiceCollection().AddOpenHands();

        FluentActions.Invoking(() => builder.AddChatClientProvider(" ", (_, _) => new EchoChatClient("x"))).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => builder.AddChatClientProvider("x", null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => OpenHandsBuilderExtensions.AddChatClientProvider(null!, "x", (_, _) => new EchoChatClient("x")))
            .Should().Throw<ArgumentNullException>();
    }

    private static string Label(IChatClient client) => client.Should().BeOfType<EchoChatClient>().Subject.Label;

    private sealed record Greeting(string Text);

    /// <summary>A hand-written client that answers its label.</summary>
    private sealed class EchoChatClient(string label) : IChatClient
    {
        public string Label { get; } = label;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Label)));

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
            {
                yield return update;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
