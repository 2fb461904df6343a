using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Testing;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>A fake LLM server, a profile store and a workspace in one temp folder, for conversation tests.</summary>
internal sealed class ConversationTestKit : IAsyncDisposable
{
    private ConversationTestKit(TempDirectory dir, FakeLlmServer server, LlmProfileStore store)
    {
        Dir = dir;
        Server = server;
        Store = store;
        System.IO.Directory.CreateDirectory(Workspace);
    }

    public TempDirectory Dir { get; }

    public FakeLlmServer Server { get; }

    public LlmProfileStore Store { get; }

    public string Workspace => Dir.Combine("workspace");

    public string Conversations => Dir.Combine("conversations");

    public static async Task<ConversationTestKit> StartAsync(Cipher? cipher = null)
    {
        var dir = TempDirectory.Create();
        var server = await FakeLlmServer.StartNewAsync();
        return new ConversationTestKit(dir, server, new LlmProfileStore(new LlmProfileStoreOptions { Directory = dir.Combine("profiles") }, cipher));
    }

    /// <summary>An LLM pointed at the fake server, with one attempt per call so error tests stay fast.</summary>
    public Llm Llm(string model = "openai/gpt-test", string key = "sk-test-conversation-one") =>
        new(model) { ApiKey = new SecretString(key), BaseUrl = model.StartsWith("anthropic/", StringComparison.Ordinal) ? Server.BaseUrl : Server.BaseUrl + "/v1", NumRetries = 1, Temperature = 0 };

    /// <summary>A factory over the kit's store: persisted under <see cref="Conversations"/>, or in memory.</summary>
    public ConversationFactory Factory(bool persisted = true, ILlmProfileStore? store = null) => new(new ConversationFactoryOptions
    {
        PersistenceDirectory = persisted ? Conversations : null,
        ProfileStore = store ?? Store,
    });

    public ConversationOptions Options() => new() { WorkingDirectory = Workspace };

    public static Agent Agent(Llm llm) => new(llm, [new ToolSpec("terminal"), new ToolSpec("file_editor")]);

    /// <summary>Every file under the conversations folder with its text.</summary>
    public IEnumerable<(string Path, string Text)> ConversationFiles() =>
        System.IO.Directory.Exists(Conversations)
            ? System.IO.Directory.EnumerateFiles(Conversations, "*", SearchOption.AllDirectories).Select(f => (f, File.ReadAllText(f)))
            : [];

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Dir.Dispose();
    }
}
