using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Sdk.Profiles;
using OpenHands.Testing;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>
/// Starting a conversation by profile name must never write the profile back (issue 10, "writes undone"). Each of 300
/// pairs sends "start by name" and a profile change (delete, rename, save with a rotated key) from two tasks at once, on
/// two warm connections, and the server is made to run them together: in even pairs the start, once it has read the
/// profile, waits until the change has been handled (the window in which a start that writes back undoes the change); in
/// odd pairs a middleware holds both until both have arrived and then lets them go with a random offset of up to a
/// start's handling time either way (a free race). After every pair the REST state and the files must show the change,
/// never the content the start read. Overlap is measured on the server: both requests were being handled at once.
/// </summary>
[Category("AgentServer")]
[NonParallelizable]
public sealed class StartRaceTests
{
    private const int Pairs = 300;
    private const string OldKey = "sk-test-race-old-one";
    private const string NewKey = "sk-test-race-new-two";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (long Start, long End)> _handled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Pair> _pairs = new(StringComparer.Ordinal);
    private readonly List<TimeSpan> _startDurations = [];
    private TempDirectory _dir = null!;
    private AgentServerHost _host = null!;
    private HttpClient _client = null!;
    private HttpClient _startClient = null!;
    private HttpClient _changeClient = null!;

    public enum Change { Delete, Rename, RotateKey }

    [SetUp]
    public async Task StartServerAsync()
    {
        _dir = TempDirectory.Create();
        _host = await AgentServerHost.StartAsync(_dir.Path, middleware: app => app.Use(RendezvousAsync), services: services =>
        {
            // The real store, observed: in a paused pair, the first read of its profile (the start's) waits for the change.
            var original = services.Single(d => d.ServiceType == typeof(ILlmProfileStore));
            services.Replace(ServiceDescriptor.Singleton<ILlmProfileStore>(sp => new ReadObservingProfileStore(
                (ILlmProfileStore)original.ImplementationFactory!(sp),
                name => _pairs.GetValueOrDefault(name.Value)?.AfterReadAsync() ?? Task.CompletedTask)));
        });

        // One client per side, so that each request of a pair goes out at once on its own warm connection.
        _client = new HttpClient { BaseAddress = _host.BaseAddress };
        _startClient = new HttpClient { BaseAddress = _host.BaseAddress };
        _changeClient = new HttpClient { BaseAddress = _host.BaseAddress };
    }

    [TearDown]
    public async Task StopServerAsync()
    {
        _client.Dispose();
        _startClient.Dispose();
        _changeClient.Dispose();
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [TestCase(Change.Delete)]
    [TestCase(Change.Rename)]
    [TestCase(Change.RotateKey)]
    public async Task StartByName_RacingAProfileChange_NeverUndoesTheChange(Change change)
    {
        var undone = new List<string>();
        int[] overlapped = [0, 0];   // [start paused after its read, random offset]
        var started = 0;
        for (var i = 0; i < Pairs; i++)
        {
            var name = $"race-{i}";
            var renamed = $"race-{i}-renamed";
            (await SaveAsync(name, OldKey, tag: null)).StatusCode.Should().Be(HttpStatusCode.Created);

            var paused = i % 2 == 0;
            var pair = new Pair(paused, StartDuration() * ((Random.Shared.NextDouble() * 2) - 1));
            _pairs[name] = pair;
            var changeTask = Task.Run(() => change switch
            {
                Change.Delete => SendAsync(_changeClient, HttpMethod.Delete, $"/api/profiles/{name}", null, $"{name}:change"),
                Change.Rename => SendAsync(_changeClient, HttpMethod.Post, $"/api/profiles/{name}/rename", $"{{\"new_name\":\"{renamed}\"}}", $"{name}:change"),
                _ => SaveAsync(name, NewKey, $"{name}:change", _changeClient),
            });
            var startTask = Task.Run(() => SendAsync(_startClient, HttpMethod.Post, "/api/conversations", $"{{\"llm_profile\":\"{name}\"}}", $"{name}:start"));
            using var startResponse = await startTask;
            using var changeResponse = await changeTask;
            await Task.WhenAll(pair.StartHandled.Task, pair.ChangeHandled.Task).WaitAsync(Patience);   // the timings are recorded
            _pairs.TryRemove(name, out _);

            startResponse.StatusCode.Should().BeOneOf([HttpStatusCode.Created, HttpStatusCode.NotFound], await startResponse.Content.ReadAsStringAsync());
            changeResponse.StatusCode.Should().Be(change == Change.RotateKey ? HttpStatusCode.Created : HttpStatusCode.OK, await changeResponse.Content.ReadAsStringAsync());
            var (s, c) = (_handled[$"{name}:start"], _handled[$"{name}:change"]);
            overlapped[paused ? 0 : 1] += Math.Max(s.Start, c.Start) < Math.Min(s.End, c.End) ? 1 : 0;
            if (startResponse.StatusCode == HttpStatusCode.Created)
            {
                started++;
                _startDurations.Add(Stopwatch.GetElapsedTime(s.Start, s.End));
            }

            switch (change)
            {
                case Change.Delete:
                    if (await ExistsAsync(name))
                    {
                        undone.Add($"{name} resurrected");
                        await DeleteAsync(name);   // so that the profile limit is not what ends the run
                    }

                    break;
                case Change.Rename:
                    if (await ExistsAsync(name))
                    {
                        undone.Add($"{name} resurrected under its old name");
                        await DeleteAsync(name);
                    }

                    (await KeyAsync(renamed)).Should().Be(OldKey, "the renamed profile keeps its content");
                    await DeleteAsync(renamed);
                    break;
                case Change.RotateKey:
                    if (await KeyAsync(name) != NewKey)
                    {
                        undone.Add($"{name} save reverted to the old key");
                    }

                    await DeleteAsync(name);
                    break;
            }
        }

        TestContext.Out.WriteLine(
            $"{change}: {Pairs} pairs; overlapped on the server: {overlapped[0]} of {Pairs / 2} with the start paused after its read, "
            + $"{overlapped[1]} of {Pairs / 2} with a random offset; {started} starts succeeded; {undone.Count} changes undone "
            + $"(median start {StartDuration().TotalMicroseconds:F0} µs).");
        undone.Should().BeEmpty();
        overlapped[0].Should().BeGreaterThan(Pairs / 4, "the change must land while the start is still running for the test to mean anything");
        if (change == Change.RotateKey)
        {
            started.Should().Be(Pairs, "the profile exists throughout, so every start succeeds");
        }
    }

    /// <summary>Holds the requests of a racing pair on the server until the moment the pair's mode chooses.</summary>
    private async Task RendezvousAsync(HttpContext http, RequestDelegate next)
    {
        var tag = http.Request.Headers["X-Race"].ToString();
        var pair = tag.Length > 0 ? _pairs.GetValueOrDefault(tag[..tag.LastIndexOf(':')]) : null;
        if (pair is not null)
        {
            var isStart = tag.EndsWith(":start", StringComparison.Ordinal);
            (isStart ? pair.StartArrived : pair.ChangeArrived).TrySetResult();
            if (pair.Paused && !isStart)
            {
                await pair.StartRead.Task.WaitAsync(Patience);
            }
            else if (!pair.Paused)
            {
                await (isStart ? pair.ChangeArrived : pair.StartArrived).Task.WaitAsync(Patience);
                Spin(isStart ? -pair.Offset : pair.Offset);
            }
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            if (tag.Length > 0)
            {
                _handled[tag] = (start, Stopwatch.GetTimestamp());
                (tag.EndsWith(":change", StringComparison.Ordinal) ? pair?.ChangeHandled : pair?.StartHandled)?.TrySetResult();
            }
        }
    }

    /// <summary>The median server-side handling time of the last 20 successful starts (1 ms before there is one).</summary>
    private TimeSpan StartDuration()
    {
        var recent = _startDurations.TakeLast(20).Order().ToList();
        return recent.Count == 0 ? TimeSpan.FromMilliseconds(1) : recent[recent.Count / 2];
    }

    private static void Spin(TimeSpan duration)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            Thread.SpinWait(10);
        }
    }

    private Task<HttpResponseMessage> SaveAsync(string name, string key, string? tag, HttpClient? client = null) =>
        SendAsync(client ?? _client, HttpMethod.Post, $"/api/profiles/{name}", new JsonObject
        {
            ["llm"] = new JsonObject { ["model"] = "openai/gpt-race", ["api_key"] = key, ["base_url"] = "http://127.0.0.1:9/v1" },
        }.ToJsonString(), tag);

    private async Task<bool> ExistsAsync(string name)
    {
        using var response = await SendAsync(_client, HttpMethod.Get, $"/api/profiles/{name}", null, null);
        var exists = response.StatusCode == HttpStatusCode.OK;
        File.Exists(Path.Combine(_dir.Path, "profiles", name + ".json")).Should().Be(exists, "the REST state and the files agree");
        return exists;
    }

    private async Task<string?> KeyAsync(string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/profiles/{name}");
        request.Headers.Add("X-Expose-Secrets", "plaintext");
        using var response = await _client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync())["config"]?["api_key"]?.GetValue<string>();
    }

    private async Task DeleteAsync(string name)
    {
        using var response = await SendAsync(_client, HttpMethod.Delete, $"/api/profiles/{name}", null, null);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? json, string? tag)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (tag is not null)
        {
            request.Headers.Add("X-Race", tag);
        }

        return client.SendAsync(request);
    }

    /// <summary>One racing pair: how the two requests are released, and their signals.</summary>
    private sealed class Pair(bool paused, TimeSpan offset)
    {
        private int _reads;

        public bool Paused { get; } = paused;

        public TimeSpan Offset { get; } = offset;

        public TaskCompletionSource StartArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ChangeArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource StartRead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ChangeHandled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource StartHandled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>In a paused pair, the first read (the start's) lets the change go and waits until it has been handled.</summary>
        public Task AfterReadAsync()
        {
            if (!Paused || Interlocked.Exchange(ref _reads, 1) == 1)
            {
                return Task.CompletedTask;
            }

            StartRead.TrySetResult();
            return ChangeHandled.Task.WaitAsync(Patience);
        }
    }
}
