using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Testing;

namespace OpenHands.AgentServer.Tests.Host;

/// <summary>
/// The start's warm-up (<see cref="EndpointWarmup"/>): before the host reports started, the server has asked itself its
/// two file-free routes over loopback; it reads or writes none of the user's files and calls no store; and nothing that
/// goes wrong in it fails the start.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("AgentServer")]
public sealed class StartupWarmupTests
{
    [Test]
    public async Task Start_BeforeReportingStarted_HasAnsweredItsWarmUpRequestsOverLoopback()
    {
        using var dir = TempDirectory.Create();
        var seen = new ConcurrentQueue<Seen>();

        await using var host = await AgentServerHost.StartAsync(dir.Path, services: s => s.AddSingleton<IStartupFilter>(new Recorder(seen)));

        seen.Should().Equal(
            new Seen("/alive", WarmupRequest.UserAgent, KeySent: false, StatusCodes.Status200OK),
            new Seen("/api/tools/", WarmupRequest.UserAgent, KeySent: false, StatusCodes.Status200OK));
    }

    [Test]
    public async Task Start_WithSessionKeys_WarmUpSendsNoKeyAndIsRefusedLikeAnyClient()
    {
        using var dir = TempDirectory.Create();
        var seen = new ConcurrentQueue<Seen>();

        await using var host = await AgentServerHost.StartAsync(
            dir.Path, o => o.SessionApiKeys.Add("sk-test-warm-up-session"), services: s => s.AddSingleton<IStartupFilter>(new Recorder(seen)));

        seen.Should().Equal(
            new Seen("/alive", WarmupRequest.UserAgent, KeySent: false, StatusCodes.Status200OK),
            new Seen("/api/tools/", WarmupRequest.UserAgent, KeySent: false, StatusCodes.Status401Unauthorized));
    }

    [Test]
    public async Task Start_WarmUpAtStartOff_AsksNothing()
    {
        using var dir = TempDirectory.Create();
        var seen = new ConcurrentQueue<Seen>();

        await using var host = await AgentServerHost.StartAsync(
            dir.Path, o => o.WarmUpAtStart = false, services: s => s.AddSingleton<IStartupFilter>(new Recorder(seen)));

        seen.Should().BeEmpty();
    }

    [Test]
    public async Task Start_WithProfilesAndConversations_WarmUpCallsNoStoreAndLeavesEveryFileAsItWas()
    {
        using var dir = TempDirectory.Create();
        const string SecretKey = "sk-test-warm-up-cipher";
        var store = new LlmProfileStore(new LlmProfileStoreOptions { Directory = dir.Combine("profiles") }, new Cipher(SecretKey));
        await store.SaveAsync(ProfileName.Create("alpha"), new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-alpha") });
        Directory.CreateDirectory(dir.Combine("conversations"));
        var before = Snapshot(dir.Path);
        var calls = new ConcurrentQueue<string>();

        await using (var host = await AgentServerHost.StartAsync(dir.Path, o => o.SecretKey = SecretKey, services: services =>
        {
            var original = services.Single(d => d.ServiceType == typeof(ILlmProfileStore));
            services.Replace(ServiceDescriptor.Singleton<ILlmProfileStore>(sp => new CallRecordingProfileStore(
                (ILlmProfileStore)original.ImplementationFactory!(sp), calls)));
        }))
        {
            calls.Should().BeEmpty("the warm-up works on samples in memory, never on the user's profiles");
            Snapshot(dir.Path).Should().Equal(before, "the start reads samples from memory and writes nothing");

            using var client = new HttpClient { BaseAddress = host.BaseAddress };
            var listing = await client.GetStringAsync("/api/profiles");
            listing.Should().Contain("\"alpha\"").And.NotContain("warm-up", "no sample is ever stored");
        }
    }

    [Test]
    public async Task Start_WarmUpRequestsFail_StartStillSucceedsAndServes()
    {
        using var dir = TempDirectory.Create();
        var failing = true;

        await using var host = await AgentServerHost.StartAsync(dir.Path, middleware: app => app.Use(async (http, next) =>
        {
            if (Volatile.Read(ref failing))
            {
                http.Abort();   // the connection is dropped mid-request: the warm-up's read ends without an answer
                return;
            }

            await next(http);
        }));
        Volatile.Write(ref failing, false);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        (await client.GetAsync("/alive")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [TestCase("http://127.0.0.1:8000", "127.0.0.1:8000", "127.0.0.1:8000")]
    [TestCase("http://0.0.0.0:8000", "127.0.0.1:8000", "0.0.0.0:8000")]
    [TestCase("http://[::]:9000", "[::1]:9000", "[::]:9000")]
    [TestCase("http://localhost:5000", "127.0.0.1:5000", "localhost:5000")]
    public void Target_PlainHttpAddress_ConnectsToLoopback(string address, string endPoint, string hostHeader)
    {
        var target = WarmupRequest.Target(address);

        target.Should().NotBeNull();
        target!.Value.EndPoint.ToString().Should().Be(endPoint);
        target.Value.Host.Should().Be(hostHeader);
    }

    [TestCase("https://127.0.0.1:8443")]
    [TestCase("http://pipe:/openhands")]
    public void Target_HttpsOrNamedPipe_IsNotAsked(string address) =>
        WarmupRequest.Target(address).Should().BeNull();

    /// <summary>One request as the first middleware of the pipeline saw it.</summary>
    private sealed record Seen(string Path, string Agent, bool KeySent, int Status);

    /// <summary>Records every request ahead of the whole pipeline (routing and authorization included).</summary>
    private sealed class Recorder(ConcurrentQueue<Seen> seen) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (http, nextMiddleware) =>
            {
                await nextMiddleware(http);
                seen.Enqueue(new Seen(http.Request.Path.Value!, http.Request.Headers.UserAgent.ToString(),
                    http.Request.Headers.ContainsKey("X-Session-API-Key") || http.Request.Headers.ContainsKey("Authorization"), http.Response.StatusCode));
            });
            next(app);
        };
    }

    /// <summary>Every file below <paramref name="root"/> with its bytes and last write time.</summary>
    private static List<(string Path, string Bytes, DateTime Written)> Snapshot(string root) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(root, f), Convert.ToBase64String(File.ReadAllBytes(f)), File.GetLastWriteTimeUtc(f)))];

    /// <summary>The server's real store, with every call recorded by name.</summary>
    private sealed class CallRecordingProfileStore(ILlmProfileStore inner, ConcurrentQueue<string> calls) : ILlmProfileStore
    {
        public Task<IReadOnlyList<ProfileName>> ListAsync(CancellationToken cancellationToken = default) =>
            Record(nameof(ListAsync), () => inner.ListAsync(cancellationToken));

        public Task<IReadOnlyList<LlmProfileSummary>> ListSummariesAsync(CancellationToken cancellationToken = default) =>
            Record(nameof(ListSummariesAsync), () => inner.ListSummariesAsync(cancellationToken));

        public Task<Llm> LoadAsync(ProfileName name, CancellationToken cancellationToken = default) =>
            Record(nameof(LoadAsync), () => inner.LoadAsync(name, cancellationToken));

        public Task<Llm?> TryLoadAsync(ProfileName name, CancellationToken cancellationToken = default) =>
            Record(nameof(TryLoadAsync), () => inner.TryLoadAsync(name, cancellationToken));

        public Task SaveAsync(ProfileName name, Llm llm, ProfileSaveOptions? options = null, CancellationToken cancellationToken = default) =>
            Record(nameof(SaveAsync), () => inner.SaveAsync(name, llm, options, cancellationToken));

        public Task<bool> DeleteAsync(ProfileName name, CancellationToken cancellationToken = default) =>
            Record(nameof(DeleteAsync), () => inner.DeleteAsync(name, cancellationToken));

        public Task RenameAsync(ProfileName name, ProfileName newName, CancellationToken cancellationToken = default) =>
            Record(nameof(RenameAsync), () => inner.RenameAsync(name, newName, cancellationToken));

        public Task<bool> ExistsAsync(ProfileName name, CancellationToken cancellationToken = default) =>
            Record(nameof(ExistsAsync), () => inner.ExistsAsync(name, cancellationToken));

        private T Record<T>(string call, Func<T> run)
        {
            calls.Enqueue(call);
            return run();
        }
    }
}
