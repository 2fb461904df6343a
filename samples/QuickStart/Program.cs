// QuickStart: run one task with an agent that has a terminal and a file editor.
//
//   LLM_MODEL=openai/gpt-4o-mini LLM_API_KEY=sk-... dotnet run --project samples/QuickStart -- "Create hello.txt with a greeting"
//
// LLM_BASE_URL is optional. The settings are materialized into the LLM profile 'quickstart' (under OH_PERSISTENCE_DIR,
// else ~/.openhands), and the conversation is persisted there too: only the profile reference, never the key.
using Microsoft.Extensions.DependencyInjection;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

var model = Environment.GetEnvironmentVariable("LLM_MODEL");
if (string.IsNullOrWhiteSpace(model) || args.Length == 0)
{
    Console.Error.WriteLine("""
        Usage: dotnet run --project samples/QuickStart -- "TASK"

        Set the LLM first:
          LLM_MODEL     the model with its provider prefix, e.g. openai/gpt-4o-mini or anthropic/claude-sonnet-4-5 (required)
          LLM_API_KEY   the provider's API key
          LLM_BASE_URL  an OpenAI-compatible endpoint, e.g. http://127.0.0.1:4000/v1 (optional)
        """);
    return 2;
}

var persistence = Environment.GetEnvironmentVariable("OH_PERSISTENCE_DIR")
    ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".openhands");
await using var services = new ServiceCollection().AddOpenHands(o =>
{
    o.PersistenceDirectory = persistence;
    o.ConversationsDirectory = Path.Combine(persistence, "conversations");
}).Services.BuildServiceProvider();

var llm = new Llm(model)
{
    ApiKey = SecretString.FromNullable(Environment.GetEnvironmentVariable("LLM_API_KEY")),
    BaseUrl = Environment.GetEnvironmentVariable("LLM_BASE_URL"),
};
var reference = await services.GetRequiredService<ProfileMaterializer>().MaterializeAsync(llm, "quickstart");

// The conversation starts by reference: the profile is read once, and only its name is persisted.
var options = new ConversationOptions { WorkingDirectory = Environment.CurrentDirectory };
options.Callbacks.Add(Print);
await using var conversation = await services.GetRequiredService<ConversationFactory>()
    .StartWithProfileAsync(reference, resolved => new Agent(resolved, [new ToolSpec("terminal"), new ToolSpec("file_editor")]), options);
Console.WriteLine($"Conversation {conversation.Id} with profile '{reference}' ({conversation.Agent.Llm.Model}).");
await conversation.SendMessageAsync(string.Join(' ', args));

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
ConversationResult result;
try
{
    result = await conversation.RunAsync(cts.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("Paused.");
    result = conversation.GetResult();
}
catch (ConversationRunException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

Console.WriteLine($"Answer: {result.FinalAnswer ?? "(none)"}");
Console.WriteLine($"Status: {result.Status}. Tokens: {result.Usage.TotalTokens}. Files: {conversation.Directory}");
return 0;

static void Print(ConversationEvent e)
{
    var line = e switch
    {
        MessageEvent { Source: EventSource.User } m => $"user> {m.Text}",
        MessageEvent m => $"agent> {m.Text}",
        ActionEvent a => $"  -> {a.ToolName} {a.ToolCall.Arguments}",
        ObservationEvent o => $"  <- {Shorten(o.Text)}",
        AgentErrorEvent err => $"  !! {err.Error}",
        ConversationErrorEvent err => $"error: {err.Code}: {err.Detail}",
        _ => null,
    };
    if (line is not null)
    {
        Console.WriteLine(line);
    }
}

static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + " …";
