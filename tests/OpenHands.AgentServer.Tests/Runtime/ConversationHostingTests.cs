using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenHands.AgentServer.Internal;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Sdk.Profiles;

namespace OpenHands.AgentServer.Tests.Runtime;

/// <summary>
/// The conversations live on the host's lifetime (issue 11). Before: they were restored inside the first request, which
/// then took seconds, and runs were bare <c>Task.Run</c>s nobody awaited. Now a hosted service lists them at start (each is
/// loaded on its first use, issue 17) and owns the runs: stopping the host cancels and awaits them, and a failed run is
/// logged and shows in the status.
/// </summary>
[Category("AgentServer")]
public sealed class ConversationHostingTests
{
    private TempDirectory _dir = null!;
    private FakeLlmServer _llm = null!;

    private Dictionary<string, string?> Configuration => new() { ["OH_PERSISTENCE_DIR"] = _dir.Path };

    [SetUp]
    public async Task StartAsync()
    {
        _dir = TempDirectory.Create();
        _llm = await FakeLlmServer.StartNewAsync();
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _llm.DisposeAsync();
        _dir.Dispose();
    }

    [Test]
    public async Task Start_PersistedConversations_AreListedAtStartAndEachIsLoadedOnceOnItsFirstUse()
    {
        string[] ids;
        await using (var first = await RuntimeHost.StartAsync(Configuration))
        {
            await ConversationRequests.SaveProfileAsync(first.Client, _llm);
            ids = [await ConversationRequests.StartAsync(first.Client, "One"), await ConversationRequests.StartAsync(first.Client, "Two")];
        }

        var reads = 0;
        await using var host = await RuntimeHost.StartAsync(Configuration, services: services =>
        {
            // The real store, observed: each load re-resolves its conversation's profile through it.
            var original = services.Single(d => d.ServiceType == typeof(ILlmProfileStore));
            services.Replace(ServiceDescriptor.Singleton<ILlmProfileStore>(sp => new ReadObservingProfileStore(
                (ILlmProfileStore)original.ImplementationFactory!(sp), _ => { Interlocked.Increment(ref reads); return Task.CompletedTask; })));
        });

        // The host is started and no request was made yet: the conversations are listed, none is loaded.
        var service = host.Services.GetRequiredService<ConversationService>();
        service.IsRestored.Should().BeTrue();
        service.LoadedCount.Should().Be(0);
        Volatile.Read(ref reads).Should().Be(0, "no conversation is loaded before its first use");
        host.Logs.Lines.Should().Contain(l => l.Contains("Listed 2 conversations", StringComparison.Ordinal));

        (await host.Client.GetAsync($"/api/conversations/{ids[0]}/events/search")).StatusCode.Should().Be(HttpStatusCode.OK);
        service.LoadedCount.Should().Be(1, "only the conversation used is loaded");
        var readsPerLoad = Volatile.Read(ref reads);
        readsPerLoad.Should().BeGreaterThan(0, "a load re-resolves the conversation's profile");

        // Several first uses at once load the conversation once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(n => n % 2 == 0
            ? host.Client.GetAsync($"/api/conversations/{ids[1]}")
            : host.Client.GetAsync($"/api/conversations/{ids[1]}/events/count")));
        answers.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        Volatile.Read(ref reads).Should().Be(2 * readsPerLoad, "the second conversation was loaded once");
        host.Logs.Lines.Count(l => l.Contains($"Conversation {Guid.Parse(ids[1])} loaded", StringComparison.Ordinal)).Should().Be(1);

        var listed = (await host.JsonAsync("/api/conversations/search"))["items"]!.AsArray().Select(c => c!["id"]!.GetValue<string>());
        listed.Should().BeEquivalentTo(ids);
        Volatile.Read(ref reads).Should().Be(2 * readsPerLoad, "a loaded conversation is not loaded again");
    }

    [Test, CancelAfter(60_000)]
    public async Task Stop_RunInProgress_IsCancelledAwaitedAndLeftPaused(CancellationToken cancellationToken)
    {
        var host = await RuntimeHost.StartAsync(Configuration);
        string id;
        Task run;
        try
        {
            await ConversationRequests.SaveProfileAsync(host.Client, _llm);
            _llm.Enqueue(FakeReply.Delay(TimeSpan.FromMinutes(10), FakeReply.Text("too late")));
            id = await ConversationRequests.StartAsync(host.Client, "Work slowly");
            (await ConversationRequests.SendAsync(host.Client, id, "Go", run: true)).StatusCode.Should().Be(HttpStatusCode.OK);
            await _llm.WaitForRequestsAsync(1, cancellationToken);
            var entry = await host.Services.GetRequiredService<ConversationService>().TryGetAsync(Guid.Parse(id), cancellationToken);
            run = entry!.RunTask!;
            run.IsCompleted.Should().BeFalse("the model has not answered");
        }
        finally
        {
            await host.DisposeAsync();   // StopAsync: the run is cancelled and awaited before this returns
        }

        run.IsCompletedSuccessfully.Should().BeTrue("the service awaited it and it never faults");
        var state = JsonDocument.Parse(File.ReadAllBytes(_dir.Combine("conversations", Guid.Parse(id).ToString("N"), "base_state.json"))).RootElement;
        state.GetProperty("execution_status").GetString().Should().Be("paused");
        host.Logs.Lines.Should().Contain(l => l.Contains("Stopping 1 conversation runs", StringComparison.Ordinal))
            .And.Contain(l => l.Contains("run stopped because the server is stopping", StringComparison.Ordinal))
            .And.NotContain(l => l.StartsWith("[Error]", StringComparison.Ordinal) || l.StartsWith("[Critical]", StringComparison.Ordinal));

        await using var again = await RuntimeHost.StartAsync(Configuration);
        (await again.JsonAsync($"/api/conversations/{id}"))["execution_status"]!.GetValue<string>().Should().Be("paused");
    }

    [Test]
    public async Task Run_ModelFails_IsLoggedAndTheStatusIsError()
    {
        await using var host = await RuntimeHost.StartAsync(Configuration);
        await ConversationRequests.SaveProfileAsync(host.Client, _llm);
        _llm.Enqueue(FakeReply.Error(400, """{"error":{"message":"bad request"}}"""));
        var id = await ConversationRequests.StartAsync(host.Client, "Fail");

        (await ConversationRequests.SendAsync(host.Client, id, "Go", run: true)).StatusCode.Should().Be(HttpStatusCode.OK);
        await ConversationRequests.WaitForStatusAsync(host.Client, id, "error");
        var entry = await host.Services.GetRequiredService<ConversationService>().TryGetAsync(Guid.Parse(id), CancellationToken.None);
        await entry!.RunTask!;

        host.Logs.Lines.Should().Contain(l => l.Contains($"Conversation {id} run failed with ConversationRunException", StringComparison.Ordinal)
            && l.Contains("its status is Error", StringComparison.Ordinal));
        host.Logs.Text.Should().NotContain(ConversationRequests.Key);
        (await ConversationRequests.SendAsync(host.Client, id, "Again", run: false)).StatusCode.Should().Be(HttpStatusCode.OK, "a failed run leaves the conversation usable");
    }
}
