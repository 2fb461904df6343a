using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Remote;

namespace OpenHands.Remote.Tests;

/// <summary>
/// The canary (DESIGN invariant 1, issue "Done when"): with every request the client sends recorded, the API key
/// appears in exactly one of them — the profile save — and never in a start, switch, message, run, settings call, URL,
/// header, log line or exception message.
/// </summary>
[Category("Remote")]
[Category("Canary")]
public sealed class CanaryTests : RemoteTestBase
{
    private const string Canary = "sk-test-canary-7";

    [Test]
    public async Task RemoteFlow_EveryRequestRecorded_KeyCrossesTheWireOnlyInTheOneProfileSave()
    {
        var llm = await StartFakeLlmAsync();
        llm.Responder = _ => FakeReply.ToolCall("finish", """{"message": "done"}""");
        var errors = new List<Exception>();

        // A raw Llm with the key: materialized once, then everything goes by reference.
        var agent = new Agent(FakeLlmConfig(ModelA, Canary), [new ToolSpec("terminal")]);
        var conversation = await Workspace.Conversations.StartAsync(agent, new RemoteConversationOptions { InitialMessage = "first" });
        var raw = (await conversation.GetStateAsync()).LlmProfile!.Value.Value;   // the raw LLM's content name (it has a key)
        await using var stream = new EventCollector(ct => conversation.WatchEventsAsync(cancellationToken: ct));
        await Workspace.Profiles.SaveAsync("smart", FakeLlmConfig(ModelB, apiKey: null));
        await conversation.RunAsync();
        await conversation.SwitchProfileAsync("smart");
        await conversation.SendMessageAsync("second");
        await conversation.RunAsync();
        await conversation.SwitchProfileAsync(raw);
        await conversation.PauseAsync();
        await Workspace.Profiles.ActivateAsync(raw);
        await Workspace.Settings.UpdateAsync(new RemoteSettingsUpdate { ConversationSettingsDiff = new() { ["max_iterations"] = 9 } });
        var settings = await Workspace.Settings.LoadAsync();
        var state = await conversation.GetStateAsync();
        var events = await conversation.GetEventsAsync();
        var profile = await Workspace.Profiles.GetAsync(raw);
        await stream.WaitForAsync(e => e.OfType<OpenHands.Sdk.Conversations.Events.ActionEvent>().Count() == 2);
        var again = await Workspace.Conversations.StartAsync(agent);   // the same raw Llm again: its profile is reused, no save
        await Record(errors, () => conversation.SwitchProfileAsync("ghost"));
        await Record(errors, () => Workspace.Conversations.StartWithProfileAsync("ghost"));
        await Record(errors, () => Workspace.Profiles.RenameAsync(raw, "smart"));
        await Record(errors, () => Workspace.Settings.UpdateAsync(new RemoteSettingsUpdate { AgentSettingsDiff = new() { ["tools"] = "not-a-list" } }));
        await again.DeleteAsync();
        await conversation.DeleteAsync();

        var carriers = Recorder.Requests.Where(r => r.Text.Contains(Canary, StringComparison.Ordinal)).Select(r => $"{r.Method} {r.Path}").ToList();
        raw.Should().MatchRegex("^Default-[0-9a-f]{12}$");
        carriers.Should().Equal([$"POST /api/profiles/{raw}"], "only the one profile save carries the key; the second start reuses it");
        Recorder.Requests.Where(r => r.Text.Contains(Canary, StringComparison.Ordinal))
            .Should().OnlyContain(r => r.Body.Contains(Canary, StringComparison.Ordinal) && !r.Uri.ToString().Contains(Canary, StringComparison.Ordinal)
                                       && r.Headers.All(h => !h.Contains(Canary, StringComparison.Ordinal)));
        Recorder.Requests.Should().Contain(r => r.Path.StartsWith("/sockets/events/", StringComparison.Ordinal), "the websocket upgrade is recorded too");
        Recorder.Requests.Where(r => r.Path.StartsWith("/api/conversations", StringComparison.Ordinal) || r.Path.StartsWith("/api/settings", StringComparison.Ordinal)
                                     || r.Path.StartsWith("/sockets/", StringComparison.Ordinal))
            .Should().HaveCountGreaterThan(10).And.OnlyContain(r => !r.Text.Contains(Canary, StringComparison.Ordinal));
        errors.Should().HaveCount(4).And.OnlyContain(e => !e.ToString().Contains(Canary, StringComparison.Ordinal));
        Logs.Lines.Should().NotBeEmpty().And.OnlyContain(l => !l.Contains(Canary, StringComparison.Ordinal));
        $"{settings} {state} {string.Join(",", events.Select(e => e.ToString()))} {profile}".Should().NotContain(Canary);
        llm.Requests.Should().OnlyContain(r => r.Header("Authorization") == "Bearer " + Canary || r.Header("Authorization") == null,
            "the server resolved the key from its profile store for the provider call");
        Dir.AllFiles().Where(f => f.Text.Contains(Canary, StringComparison.Ordinal)).Select(f => Path.GetRelativePath(Dir.Path, f.Path))
            .Should().Equal(Path.Combine("profiles", raw + ".json"));
    }

    private static async Task Record(List<Exception> errors, Func<Task> act)
    {
        try
        {
            await act();
        }
        catch (OpenHands.Sdk.OpenHandsException e)
        {
            errors.Add(e);
        }
    }
}
