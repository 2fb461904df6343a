// RemoteAgentServer: drive a conversation on an agent server by LLM profile name.
//
//   dotnet run --project samples/RemoteAgentServer                 # offline: a scripted model on 127.0.0.1
//   LLM_MODEL=openai/gpt-4o-mini LLM_API_KEY=sk-... dotnet run --project samples/RemoteAgentServer -- "Say hello"
//
// The program hosts the real agent server in-process on 127.0.0.1 (a free port, a session key, state in a temp
// folder), then talks to it only as a remote client would: it saves an LLM profile (the one request that carries the
// API key), starts a conversation by the profile's name, streams its events over the websocket, runs it and deletes it.
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Remote;
using OpenHands.Sdk.Security;

var task = args.Length > 0 ? string.Join(' ', args) : "Greet me in one line.";
var model = Environment.GetEnvironmentVariable("LLM_MODEL");
await using var scripted = string.IsNullOrWhiteSpace(model) ? await ScriptedLlm.StartAsync() : null;
var llm = scripted is not null
    ? new Llm("openai/scripted-model") { BaseUrl = scripted.BaseUrl, ApiKey = new SecretString("sk-test-sample-9") }
    : new Llm(model!)
    {
        ApiKey = SecretString.FromNullable(Environment.GetEnvironmentVariable("LLM_API_KEY")),
        BaseUrl = Environment.GetEnvironmentVariable("LLM_BASE_URL"),
    };

// 1. The agent server, in this process, on loopback. A real deployment runs `dotnet run --project src/OpenHands.AgentServer.Host` (or the `openhands-agent-server` tool).
var state = Directory.CreateTempSubdirectory("openhands-remote-sample-");
var sessionKey = "session-" + Guid.NewGuid().ToString("N");
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
builder.Logging.ClearProviders();
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Services.AddOpenHandsAgentServer(o =>
{
    o.SessionApiKeys.Add(sessionKey);
    o.PersistenceDirectory = state.FullName;
    o.ConversationsPath = Path.Combine(state.FullName, "conversations");
});
await using var server = builder.Build();
server.MapOpenHandsAgentServer();
await server.StartAsync();
var address = new Uri(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
Console.WriteLine($"Agent server listening on {address} (session key required).");

try
{
    // 2. The client: everything below goes over HTTP and the websocket.
    using var workspace = new RemoteWorkspace(address, new SecretString(sessionKey));
    await workspace.Profiles.SaveAsync("sample", llm);
    Console.WriteLine($"Saved LLM profile 'sample' ({llm.Model}); its key crossed the wire once, in that save.");
    var profiles = await workspace.Profiles.ListAsync();
    Console.WriteLine($"Profiles on the server: {string.Join(", ", profiles.Profiles.Select(p => $"{p.Name} (key set: {p.ApiKeySet})"))}.");

    var conversation = await workspace.Conversations.StartWithProfileAsync("sample", new RemoteConversationOptions { WorkingDirectory = state.FullName });
    Console.WriteLine($"Started conversation {conversation.Id} by profile name 'sample'.");

    using var streaming = new CancellationTokenSource(TimeSpan.FromMinutes(5));
    var printer = PrintEventsAsync(conversation, streaming.Token);
    await conversation.SendMessageAsync(task);
    var result = await conversation.RunAsync();
    var final = await conversation.GetStateAsync();
    Console.WriteLine($"Run ended: {result.Status} (profile '{final.LlmProfile}', model {final.Llm?.Model}): {result.FinalAnswer}");

    streaming.CancelAfter(TimeSpan.FromSeconds(5));   // let the stream catch up with the last events, then stop it
    await printer;
    await conversation.DeleteAsync();
    Console.WriteLine("Deleted the conversation.");
    return 0;
}
catch (OpenHands.Sdk.OpenHandsException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
finally
{
    await server.StopAsync();
    state.Delete(recursive: true);
}

static async Task PrintEventsAsync(RemoteConversation conversation, CancellationToken cancellationToken)
{
    try
    {
        await foreach (var e in conversation.WatchEventsAsync(cancellationToken: cancellationToken))
        {
            var line = e switch
            {
                MessageEvent { Source: EventSource.User } m => $"user> {m.Text}",
                MessageEvent m => $"agent> {m.Text}",
                ActionEvent a => $"  -> {a.ToolName} {a.ToolCall.Arguments}",
                ObservationEvent o => $"  <- {o.ToolName}: {o.Text}",
                AgentErrorEvent err => $"  !! {err.Error}",
                ConversationErrorEvent err => $"error: {err.Code}: {err.Detail}",
                ConversationStateUpdateEvent u => $"  (state) {u.Key} = {u.Value}",
                _ => null,
            };
            if (line is not null)
            {
                Console.WriteLine(line);
            }

            if (e is ObservationEvent { ToolName: "finish" })
            {
                return;   // the agent is done: stop streaming
            }
        }
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
    }
}
