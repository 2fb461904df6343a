// The README's quick start, verbatim: a test keeps this file and the README's code block equal.
//
//   LLM_MODEL=openai/gpt-4o-mini LLM_API_KEY=sk-... dotnet run --project samples/QuickStart
//
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

// Profiles live in ~/.openhands/profiles, the Python CLI's folder. With OH_SECRET_KEY set, keys are Fernet-encrypted
// there; without it they are stored in plaintext (0600) and one warning line says so.
var services = new ServiceCollection()
    .AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
services.AddOpenHands();
await using var provider = services.BuildServiceProvider();

// A raw Llm built in code needs no store ...
var llm = new Llm(Environment.GetEnvironmentVariable("LLM_MODEL") ?? "openai/gpt-4o-mini")
{
    ApiKey = SecretString.FromNullable(Environment.GetEnvironmentVariable("LLM_API_KEY")),
    BaseUrl = Environment.GetEnvironmentVariable("LLM_BASE_URL"),
};

// ... and becomes a profile once: "Default" when that name is free (or holds this very LLM), else a name derived from
// its content. A profile you made is never overwritten.
ProfileReference profile = await provider.GetRequiredService<ProfileMaterializer>().MaterializeAsync(llm);

// The conversation runs by reference: the key is read from the profile, never copied into the conversation.
await using var conversation = await provider.GetRequiredService<ConversationFactory>().StartWithProfileAsync(
    profile, resolved => new Agent(resolved, [new ToolSpec("terminal"), new ToolSpec("file_editor")]));
await conversation.SendMessageAsync("Create hello.txt containing a one-line greeting.");
ConversationResult result = await conversation.RunAsync();

Console.WriteLine($"{result.Status} (profile '{profile}', {result.Usage.TotalTokens} tokens): {result.FinalAnswer}");
