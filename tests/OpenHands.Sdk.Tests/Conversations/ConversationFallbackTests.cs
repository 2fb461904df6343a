using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>
/// Fallback profiles (issue 14, item 7): when the profile's provider is rate-limited or unavailable after its own
/// retries, the listed profiles answer the call in order, each with its own key, each announced by an event naming both
/// profiles; the conversation keeps its own reference.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Conversation")]
public sealed class ConversationFallbackTests
{
    private const string PrimaryKey = "sk-test-primary-one";
    private const string BackupKey = "sk-test-backup-two";

    [TestCase(429)]
    [TestCase(503)]
    public async Task RunAsync_PrimaryFailsAfterItsRetries_TheFallbackProfileAnswersWithItsOwnModelAndKey(int status)
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await using var backupServer = await FakeLlmServer.StartNewAsync();
        await SaveAsync(kit, "backup", Backup(backupServer));
        await SaveAsync(kit, "primary", Primary(kit) with { NumRetries = 2, FallbackProfiles = [ProfileName.Create("backup")] });
        kit.Server.Enqueue(FakeReply.Error(status, """{"error": {"message": "try later"}}"""), FakeReply.Error(status, """{"error": {"message": "try later"}}"""));
        backupServer.Enqueue(FakeReply.Text("Answered by the backup."));
        await using var conversation = await kit.Factory().StartWithProfileAsync(new ProfileReference(ProfileName.Create("primary")), ConversationTestKit.Agent, kit.Options());

        await conversation.SendMessageAsync("Hello?");
        var result = await conversation.RunAsync();

        result.FinalAnswer.Should().Be("Answered by the backup.");
        kit.Server.Requests.Should().HaveCount(2, "the primary's own retries come first");
        kit.Server.Requests.Should().AllSatisfy(r => r.Header("Authorization").Should().Be("Bearer " + PrimaryKey));
        var fallbackRequest = backupServer.Requests.Single();
        fallbackRequest.Model.Should().Be("gpt-backup");
        fallbackRequest.Header("Authorization").Should().Be("Bearer " + BackupKey);
        fallbackRequest.BodyText.Should().NotContain(PrimaryKey);
        string.Join("\n", fallbackRequest.Headers.Values).Should().NotContain(PrimaryKey, "the primary's key never goes to the fallback's endpoint");

        var announced = conversation.Events.OfType<ConversationStateUpdateEvent>().Single(e => e.Key == ConversationStateUpdateEvent.LlmFallbackKey);
        announced.Value.GetProperty("from_profile").GetString().Should().Be("primary");
        announced.Value.GetProperty("profile").GetString().Should().Be("backup");
        announced.Value.GetProperty("from_model").GetString().Should().Be("openai/gpt-primary");
        announced.Value.GetProperty("model").GetString().Should().Be("openai/gpt-backup");
        announced.Value.GetProperty("reason").GetString().Should().Contain(status == 429 ? "LlmRateLimitException" : "LlmServiceUnavailableException");
        conversation.State.LlmProfile!.Name.Value.Should().Be("primary", "the conversation keeps its own reference");
        conversation.Agent.Llm.Model.Should().Be("openai/gpt-primary");
        kit.ConversationFiles().Should().AllSatisfy(f => f.Text.Should().NotContain(PrimaryKey).And.NotContain(BackupKey));
    }

    [Test]
    public async Task RunAsync_AfterAFallback_TheNextCallTriesThePrimaryAgain()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await using var backupServer = await FakeLlmServer.StartNewAsync();
        await SaveAsync(kit, "backup", Backup(backupServer));
        await SaveAsync(kit, "primary", Primary(kit) with { FallbackProfiles = [ProfileName.Create("backup")] });
        kit.Server.Enqueue(FakeReply.Error(429, "{}"), FakeReply.Text("The primary is back."));
        backupServer.Enqueue(FakeReply.ToolCall("think", """{"thought": "ok"}"""));
        await using var conversation = await kit.Factory().StartWithProfileAsync(new ProfileReference(ProfileName.Create("primary")), ConversationTestKit.Agent, kit.Options());

        await conversation.SendMessageAsync("Go.");
        var result = await conversation.RunAsync();

        result.FinalAnswer.Should().Be("The primary is back.");
        kit.Server.Requests.Should().HaveCount(2);
        backupServer.Requests.Should().HaveCount(1);
    }

    [Test]
    public async Task RunAsync_MissingAndFailingFallbacks_AreSkippedInOrder()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await using var second = await FakeLlmServer.StartNewAsync();
        await using var third = await FakeLlmServer.StartNewAsync();
        await SaveAsync(kit, "second", Backup(second));
        await SaveAsync(kit, "third", Backup(third) with { Model = "openai/gpt-third" });
        await SaveAsync(kit, "primary", Primary(kit) with { FallbackProfiles = [ProfileName.Create("gone"), ProfileName.Create("second"), ProfileName.Create("third")] });
        kit.Server.Enqueue(FakeReply.Error(503, "{}"));
        second.Enqueue(FakeReply.Error(500, "{}"));
        third.Enqueue(FakeReply.Text("Third time lucky."));
        await using var conversation = await kit.Factory().StartWithProfileAsync(new ProfileReference(ProfileName.Create("primary")), ConversationTestKit.Agent, kit.Options());

        await conversation.SendMessageAsync("Go.");
        var result = await conversation.RunAsync();

        result.FinalAnswer.Should().Be("Third time lucky.");
        conversation.Events.OfType<ConversationStateUpdateEvent>().Where(e => e.Key == ConversationStateUpdateEvent.LlmFallbackKey)
            .Select(e => e.Value.GetProperty("profile").GetString()).Should().Equal("second", "third");
    }

    [Test]
    public async Task RunAsync_EveryFallbackFails_FailsWithThePrimaryError()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await using var backupServer = await FakeLlmServer.StartNewAsync();
        await SaveAsync(kit, "backup", Backup(backupServer));
        await SaveAsync(kit, "primary", Primary(kit) with { FallbackProfiles = [ProfileName.Create("backup")] });
        kit.Server.Enqueue(FakeReply.Error(429, """{"error": {"message": "primary is busy"}}"""));
        backupServer.Enqueue(FakeReply.Error(503, """{"error": {"message": "backup is down"}}"""));
        await using var conversation = await kit.Factory().StartWithProfileAsync(new ProfileReference(ProfileName.Create("primary")), ConversationTestKit.Agent, kit.Options());
        await conversation.SendMessageAsync("Go.");

        var act = () => conversation.RunAsync();

        var thrown = await act.Should().ThrowAsync<ConversationRunException>();
        thrown.Which.InnerException.Should().BeOfType<LlmRateLimitException>().Which.Message.Should().Contain("primary is busy");
        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Error);
    }

    [TestCase(401)]
    [TestCase(400)]
    public async Task RunAsync_ErrorThatIsNotAnOutage_DoesNotFallBack(int status)
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await using var backupServer = await FakeLlmServer.StartNewAsync();
        await SaveAsync(kit, "backup", Backup(backupServer));
        await SaveAsync(kit, "primary", Primary(kit) with { FallbackProfiles = [ProfileName.Create("backup")] });
        kit.Server.Enqueue(FakeReply.Error(status, "{}"));
        await using var conversation = await kit.Factory().StartWithProfileAsync(new ProfileReference(ProfileName.Create("primary")), ConversationTestKit.Agent, kit.Options());
        await conversation.SendMessageAsync("Go.");

        var act = () => conversation.RunAsync();

        await act.Should().ThrowAsync<ConversationRunException>();
        backupServer.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task RunAsync_StreamingPrimaryFallsBackToAStreamingBackup_DeltasComeFromTheBackup()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await using var backupServer = await FakeLlmServer.StartNewAsync();
        await SaveAsync(kit, "backup", Backup(backupServer) with { Stream = true });
        await SaveAsync(kit, "primary", Primary(kit) with { Stream = true, FallbackProfiles = [ProfileName.Create("backup")] });
        kit.Server.Enqueue(FakeReply.Error(529, """{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}"""));
        backupServer.Enqueue(FakeReply.Text("Streamed by the backup."));
        var deltas = new List<string>();
        var options = kit.Options();
        options.Callbacks.Add(e =>
        {
            if (e is StreamingDeltaEvent { Content: { } c })
            {
                deltas.Add(c);
            }
        });
        await using var conversation = await kit.Factory().StartWithProfileAsync(new ProfileReference(ProfileName.Create("primary")), ConversationTestKit.Agent, options);

        await conversation.SendMessageAsync("Go.");
        var result = await conversation.RunAsync();

        result.FinalAnswer.Should().Be("Streamed by the backup.");
        string.Concat(deltas).Should().Be("Streamed by the backup.");
    }

    [Test]
    public async Task ProfileFile_FallbackStrategy_RoundTripsInThePythonShapeAndKeepsUnknownFields()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        Directory.CreateDirectory(kit.Dir.Combine("profiles"));
        var path = kit.Dir.Combine("profiles", "primary.json");
        await File.WriteAllTextAsync(path, """{"model": "openai/gpt-primary", "fallback_strategy": {"fallback_llms": ["backup", "cheap"], "profile_store_dir": "/elsewhere"}, "schema_version": 1}""");

        var loaded = await kit.Store.LoadAsync(ProfileName.Create("primary"));
        await kit.Store.SaveAsync(ProfileName.Create("copy"), loaded);

        loaded.FallbackProfiles.Select(n => n.Value).Should().Equal("backup", "cheap");
        using var written = JsonDocument.Parse(await File.ReadAllTextAsync(kit.Dir.Combine("profiles", "copy.json")));
        System.Text.Json.Nodes.JsonNode.Parse(written.RootElement.GetProperty("fallback_strategy").GetRawText())!.ToJsonString().Should().Be("""{"fallback_llms":["backup","cheap"],"profile_store_dir":"/elsewhere"}""");
        (await kit.Store.LoadAsync(ProfileName.Create("copy"))).Should().Be(loaded);
        loaded.Should().NotBe(loaded with { FallbackProfiles = [ProfileName.Create("backup")] });
        (loaded with { FallbackProfiles = ImmutableArray<ProfileName>.Empty }).FallbackProfiles.Should().BeEmpty();
    }

    [Test]
    public async Task ProfileFile_FallbackThatIsNotAProfileName_IsAnInvalidProfile()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        Directory.CreateDirectory(kit.Dir.Combine("profiles"));
        await File.WriteAllTextAsync(kit.Dir.Combine("profiles", "bad.json"), """{"model": "openai/x", "fallback_strategy": {"fallback_llms": ["no spaces allowed"]}}""");

        var act = () => kit.Store.LoadAsync(ProfileName.Create("bad"));

        await act.Should().ThrowAsync<InvalidProfileException>().WithMessage("*fallback_strategy*");
    }

    private static Llm Primary(ConversationTestKit kit) => kit.Llm("openai/gpt-primary", PrimaryKey) with { RetryMinWait = 0, RetryMultiplier = 0 };

    private static Llm Backup(FakeLlmServer server) =>
        new("openai/gpt-backup") { ApiKey = new SecretString(BackupKey), BaseUrl = server.BaseUrl + "/v1", NumRetries = 1, Temperature = 0 };

    private static Task SaveAsync(ConversationTestKit kit, string name, Llm llm) => kit.Store.SaveAsync(ProfileName.Create(name), llm);
}
