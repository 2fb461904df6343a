using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenHands.AgentServer.Internal;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Sdk.Profiles;

namespace OpenHands.AgentServer.Tests.Runtime;

/// <summary>
/// Conversation search, count and batch get answer from metadata (issue 17). Before: the first listing after a restart
/// loaded every conversation (read every event, re-resolved every profile). Now a conversation not used yet is listed
/// from its <c>base_state.json</c> and <c>meta.json</c>: on a fresh real server no conversation is loaded and no profile
/// is read, the answers are the ones given once every conversation is loaded, and damage in an event file shows from
/// the moment the conversation is opened.
/// </summary>
[Category("AgentServer")]
public sealed class ConversationListingTests
{
    private TempDirectory _dir = null!;
    private FakeLlmServer _llm = null!;
    private int _profileReads;

    private Dictionary<string, string?> Configuration => new() { ["OH_PERSISTENCE_DIR"] = _dir.Path };

    [SetUp]
    public async Task StartAsync()
    {
        _dir = TempDirectory.Create();
        _llm = await FakeLlmServer.StartNewAsync();
        _profileReads = 0;
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _llm.DisposeAsync();
        _dir.Dispose();
    }

    [Test, CancelAfter(120_000)]
    public async Task Listing_FreshServer_LoadsNoneAndAnswersAsOnceAllAreLoaded(CancellationToken cancellationToken)
    {
        string[] ids;
        await using (var first = await RuntimeHost.StartAsync(Configuration))
        {
            await ConversationRequests.SaveProfileAsync(first.Client, _llm);
            ids = new string[6];
            for (var n = 0; n < ids.Length; n++)
            {
                ids[n] = await ConversationRequests.StartAsync(first.Client, $"Task {n}");
            }

            // Statuses and usage of their own: a failed run, a run that answered; times moved by title and tag changes.
            _llm.Enqueue(FakeReply.Error(400, """{"error":{"message":"bad request"}}"""));
            (await ConversationRequests.SendAsync(first.Client, ids[1], "Fail", run: true)).StatusCode.Should().Be(HttpStatusCode.OK);
            await ConversationRequests.WaitForStatusAsync(first.Client, ids[1], "error");
            _llm.Enqueue(FakeReply.Text("done"));
            (await ConversationRequests.SendAsync(first.Client, ids[2], "Answer", run: true)).StatusCode.Should().Be(HttpStatusCode.OK);
            await ConversationRequests.WaitForStatusAsync(first.Client, ids[2], "finished", "idle");
            await PatchAsync(first.Client, ids[3], """{"title":"Renamed","tags":{"team":"a"}}""");
            await PatchAsync(first.Client, ids[0], """{"title":"First, touched last"}""");
        }

        await using var host = await StartObservedAsync();
        var service = host.Services.GetRequiredService<ConversationService>();
        string[] queries =
        [
            "/api/conversations/search",
            "/api/conversations/search?sort_order=CREATED_AT",
            "/api/conversations/search?sort_order=UPDATED_AT",
            "/api/conversations/search?sort_order=UPDATED_AT_DESC",
            "/api/conversations/search?status=idle",
            "/api/conversations/search?status=ERROR",
            "/api/conversations/search?limit=4",
            "/api/conversations/search?limit=4&page_id=4",
            "/api/conversations/search?status=idle&sort_order=UPDATED_AT&limit=2&page_id=1",
            "/api/conversations/count",
            "/api/conversations/count?status=idle",
            "/api/conversations/count?status=error",
            $"/api/conversations?ids={ids[0]}&ids={Guid.NewGuid()}&ids={ids[3]}",
        ];

        var before = new List<string>();
        foreach (var query in queries)
        {
            before.Add(await TextAsync(host.Client, query, cancellationToken));
        }

        service.LoadedCount.Should().Be(0, "a listing loads no conversation");
        Volatile.Read(ref _profileReads).Should().Be(0, "a listing re-resolves no profile");
        service.SummaryCount.Should().Be(ids.Length, "each conversation's metadata was read once and is kept");

        // The answers themselves: every conversation, the filters, the order and the pages.
        var all = Items(before[0]);
        all.Should().BeEquivalentTo(ids);
        Items(before[1]).Should().Equal(all.AsEnumerable().Reverse(), "CREATED_AT is the reverse of the default CREATED_AT_DESC");
        Items(before[3])[0].Should().Be(ids[0], "its title changed last");
        Items(before[5]).Should().Equal(ids[1]);
        Items(before[6]).Concat(Items(before[7])).Should().Equal(all, "two pages of four are the whole listing");
        JsonNode.Parse(before[6])!["next_page_id"]!.GetValue<string>().Should().Be("4");
        JsonNode.Parse(before[7])!["next_page_id"].Should().BeNull();
        JsonNode.Parse(before[9])!.GetValue<int>().Should().Be(6);
        JsonNode.Parse(before[11])!.GetValue<int>().Should().Be(1);
        var batch = JsonNode.Parse(before[12])!.AsArray();
        batch.Select(c => c?["id"]?.GetValue<string>()).Should().Equal(ids[0], null, ids[3]);
        batch[1].Should().BeNull("an unknown id is null in a batch");
        JsonNode.Parse(before[0])!["items"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == ids[3])!["tags"]!["team"]!
            .GetValue<string>().Should().Be("a");

        // Every conversation opened (loaded): the same answers, byte for byte.
        foreach (var id in ids)
        {
            (await TextAsync(host.Client, $"/api/conversations/{id}/events/count", cancellationToken)).Should().NotBe("0");
        }

        service.LoadedCount.Should().Be(ids.Length);
        service.SummaryCount.Should().Be(0, "a loaded conversation answers from its entry");
        for (var q = 0; q < queries.Length; q++)
        {
            (await TextAsync(host.Client, queries[q], cancellationToken)).Should().Be(before[q], queries[q]);
        }
    }

    [Test, CancelAfter(60_000)]
    public async Task Listing_EventFileUnreadable_ListedFromMetadataAndNamedOnceOpened(CancellationToken cancellationToken)
    {
        string healthy, broken;
        await using (var first = await RuntimeHost.StartAsync(Configuration))
        {
            await ConversationRequests.SaveProfileAsync(first.Client, _llm);
            healthy = await ConversationRequests.StartAsync(first.Client, "One", "Two");
            broken = await ConversationRequests.StartAsync(first.Client, "One", "Two");
        }

        var events = _dir.Combine("conversations", Guid.Parse(broken).ToString("N"), "events");
        var damaged = Directory.GetFiles(events).Order(StringComparer.Ordinal).ElementAt(1);
        File.WriteAllText(damaged, "{\"kind\": \"MessageEv");

        await using var host = await StartObservedAsync();
        var service = host.Services.GetRequiredService<ConversationService>();

        // Not opened yet: listed and counted from its state and meta.json; its events are not read, so no damage is known.
        var listed = Item(await TextAsync(host.Client, "/api/conversations/search", cancellationToken), broken);
        listed["execution_status"]!.GetValue<string>().Should().Be("idle");
        listed["damaged_files"].Should().BeNull("the event files are read when the conversation is opened");
        listed["read_only"].Should().BeNull();
        (await TextAsync(host.Client, "/api/conversations/count", cancellationToken)).Should().Be("2");
        JsonNode.Parse(await TextAsync(host.Client, $"/api/conversations?ids={broken}", cancellationToken))![0]!["damaged_files"].Should().BeNull();
        service.LoadedCount.Should().Be(0);
        Volatile.Read(ref _profileReads).Should().Be(0);

        // Opened: the damage is found and named, here and in every listing after.
        var opened = JsonNode.Parse(await TextAsync(host.Client, $"/api/conversations/{broken}", cancellationToken))!;
        opened["damaged_files"]!.AsArray().Should().ContainSingle().Which!["event_index"]!.GetValue<int>().Should().Be(1);
        opened["read_only"]!.GetValue<bool>().Should().BeTrue();
        var relisted = Item(await TextAsync(host.Client, "/api/conversations/search", cancellationToken), broken);
        JsonNode.DeepEquals(relisted, opened).Should().BeTrue("the listing shows the loaded conversation as it is");
        Item(await TextAsync(host.Client, "/api/conversations/search", cancellationToken), healthy)["damaged_files"].Should().BeNull();
        service.LoadedCount.Should().Be(1, "only the opened conversation is loaded");
    }

    [Test, CancelAfter(60_000)]
    public async Task Listing_StateOrMetaDamaged_ListedWithItsDamageLoadingNone(CancellationToken cancellationToken)
    {
        string noState, noMeta;
        await using (var first = await RuntimeHost.StartAsync(Configuration))
        {
            await ConversationRequests.SaveProfileAsync(first.Client, _llm);
            noState = await ConversationRequests.StartAsync(first.Client, "One");
            noMeta = await ConversationRequests.StartAsync(first.Client, "One");
            await PatchAsync(first.Client, noState, """{"title":"Kept"}""");
            await PatchAsync(first.Client, noMeta, """{"title":"Lost"}""");
        }

        var state = _dir.Combine("conversations", Guid.Parse(noState).ToString("N"), "base_state.json");
        File.WriteAllBytes(state, File.ReadAllBytes(state)[..40]);
        File.WriteAllText(_dir.Combine("conversations", Guid.Parse(noMeta).ToString("N"), "meta.json"), "{\"title\": \"Lo");

        await using var host = await StartObservedAsync();
        var service = host.Services.GetRequiredService<ConversationService>();
        var search = await TextAsync(host.Client, "/api/conversations/search", cancellationToken);
        var errors = await TextAsync(host.Client, "/api/conversations/search?status=error", cancellationToken);
        service.LoadedCount.Should().Be(0);

        var unreadableState = Item(search, noState);
        unreadableState["execution_status"]!.GetValue<string>().Should().Be("error");
        unreadableState["current_model_id"]!.GetValue<string>().Should().Be("unknown");
        unreadableState["title"]!.GetValue<string>().Should().Be("Kept", "meta.json is read beside a damaged state");
        unreadableState["read_only"]!.GetValue<bool>().Should().BeTrue();
        unreadableState["damaged_files"]!.AsArray().Should().ContainSingle().Which!["file"]!.GetValue<string>().Should().Be("base_state.json");
        var unreadableMeta = Item(search, noMeta);
        unreadableMeta["title"].Should().BeNull();
        unreadableMeta["read_only"]!.GetValue<bool>().Should().BeFalse();
        unreadableMeta["damaged_files"]!.AsArray().Should().ContainSingle().Which!["file"]!.GetValue<string>().Should().Be("meta.json");
        Items(errors).Should().Equal(noState);

        // Loaded, both show what they showed (neither has damaged events).
        foreach (var id in new[] { noState, noMeta })
        {
            var opened = JsonNode.Parse(await TextAsync(host.Client, $"/api/conversations/{id}", cancellationToken));
            JsonNode.DeepEquals(opened, Item(search, id)).Should().BeTrue($"{id} shows what it showed: {opened!.ToJsonString()}");
        }

        service.LoadedCount.Should().Be(2);
        (await TextAsync(host.Client, "/api/conversations/search", cancellationToken)).Should().Be(search);
        (await TextAsync(host.Client, "/api/conversations/search?status=error", cancellationToken)).Should().Be(errors);
    }

    /// <summary>A fresh server over the same folder whose profile store counts reads: a load re-resolves a profile, a listing must not.</summary>
    private Task<RuntimeHost> StartObservedAsync() => RuntimeHost.StartAsync(Configuration, services: services =>
    {
        var original = services.Single(d => d.ServiceType == typeof(ILlmProfileStore));
        services.Replace(ServiceDescriptor.Singleton<ILlmProfileStore>(sp => new ReadObservingProfileStore(
            (ILlmProfileStore)original.ImplementationFactory!(sp), _ => { Interlocked.Increment(ref _profileReads); return Task.CompletedTask; })));
    });

    private static async Task PatchAsync(HttpClient client, string id, string json)
    {
        using var response = await client.PatchAsync($"/api/conversations/{id}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> TextAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(path, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"{path}: {text}");
        return text;
    }

    private static List<string> Items(string page) =>
        [.. JsonNode.Parse(page)!["items"]!.AsArray().Select(c => c!["id"]!.GetValue<string>())];

    private static JsonNode Item(string page, string id) =>
        JsonNode.Parse(page)!["items"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == id)!;
}
