using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>Secrets for tools: the terminal sees the value, nothing recorded does; persisted only encrypted.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Conversation")]
public sealed class SecretsTests
{
    private const string Canary = "sk-test-toolsecret";

    [Test]
    public async Task RunAsync_SecretInCommand_CommandSeesItAndNoEventFileOrLogDoes()
    {
        await using var kit = await ConversationTestKit.StartAsync(new Cipher("test-conversation-secret-key"));
        using var logs = new CollectingLoggerProvider();
        kit.Server.Enqueue(
            FakeReply.ToolCall("terminal", """{"command": "printf %s \"$API_TOKEN\" > seen.txt; echo token=$API_TOKEN"}"""),
            FakeReply.ToolCall("finish", """{"message": "done"}"""));
        var options = kit.Options();
        options.Secrets["API_TOKEN"] = new SecretString(Canary);
        using var loggerFactory = logs.CreateFactory();
        var factory = new ConversationFactory(new ConversationFactoryOptions
        {
            PersistenceDirectory = kit.Conversations, ProfileStore = kit.Store, Cipher = new Cipher("test-conversation-secret-key"), LoggerFactory = loggerFactory,
        });
        await using var conversation = await factory.StartAsync(ConversationTestKit.Agent(kit.Llm()), options);

        await conversation.SendMessageAsync("Use the token.");
        await conversation.RunAsync();

        File.ReadAllText(Path.Combine(kit.Workspace, "seen.txt")).Should().Be(Canary, "the command saw the secret's value");
        var observation = conversation.Events.OfType<ObservationEvent>().First();
        observation.Text.Should().Contain("token=<secret-hidden>").And.NotContain(Canary);
        conversation.SecretStorage.Should().Be(SecretStorage.Encrypted);
        conversation.State.SecretNames.Should().Equal("API_TOKEN");
        kit.ConversationFiles().Should().NotContain(f => f.Text.Contains(Canary, StringComparison.Ordinal));
        kit.ConversationFiles().Single(f => f.Path.EndsWith("base_state.json", StringComparison.Ordinal)).Text
            .Should().Contain("\"API_TOKEN\":{\"value\":\"gAAAAA").And.Contain("\"kind\":\"StaticSecret\"");
        kit.Server.Requests.Should().NotContain(r => r.BodyText.Contains(Canary, StringComparison.Ordinal), "the model never sees it");
        kit.Server.Requests[0].BodyText.Should().Contain("$API_TOKEN", "the system prompt names the secret");
        logs.Text.Should().NotContain(Canary);
    }

    [Test]
    public async Task RestoreAsync_WithTheCipher_TheSecretStillReachesCommands()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var cipher = new Cipher("test-conversation-secret-key");
        ConversationFactory Factory() => new(new ConversationFactoryOptions { PersistenceDirectory = kit.Conversations, ProfileStore = kit.Store, Cipher = cipher });
        Guid id;
        await using (var conversation = await Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options()))
        {
            (await conversation.UpdateSecretsAsync(new Dictionary<string, SecretString> { ["DB_PASSWORD"] = new(Canary) })).Should().Be(SecretStorage.Encrypted);
            id = conversation.Id;
        }

        kit.Server.Enqueue(FakeReply.ToolCall("terminal", """{"command": "printf %s \"$DB_PASSWORD\" > seen.txt"}"""), FakeReply.ToolCall("finish", """{"message": "ok"}"""));
        await using var restored = await Factory().RestoreAsync(id);
        await restored.SendMessageAsync("Use it.");
        await restored.RunAsync();

        File.ReadAllText(Path.Combine(kit.Workspace, "seen.txt")).Should().Be(Canary);
        kit.ConversationFiles().Should().NotContain(f => f.Text.Contains(Canary, StringComparison.Ordinal));
    }

    [Test]
    public async Task UpdateSecretsAsync_NoCipher_IsNotStoredAtAllAndSaysSo()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());

        var storage = await conversation.UpdateSecretsAsync(new Dictionary<string, SecretString> { ["API_TOKEN"] = new(Canary) });

        storage.Should().Be(SecretStorage.MemoryOnly);
        conversation.SecretStorage.Should().Be(SecretStorage.MemoryOnly);
        conversation.State.SecretNames.Should().Equal("API_TOKEN");
        var state = kit.ConversationFiles().Single(f => f.Path.EndsWith("base_state.json", StringComparison.Ordinal)).Text;
        state.Should().NotContain(Canary).And.NotContain("API_TOKEN", "without a cipher a secret is not written at all");
        (await kit.Factory().RestoreAsync(conversation.Id)).State.SecretNames.Should().BeEmpty();
    }

    [Test]
    public async Task StartAsync_InvalidSecretName_ThrowsBeforeAnythingIsWritten()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var options = kit.Options();
        options.Secrets["not a name"] = new SecretString(Canary);

        var act = () => kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), options);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*'not a name'*letters, digits and '_'*");
        Directory.Exists(kit.Conversations).Should().BeFalse();
    }
}
