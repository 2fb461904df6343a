using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

/// <summary>
/// A tiny OpenAI-compatible chat endpoint on 127.0.0.1 with a fixed script, so the sample runs offline:
/// first the agent thinks, then it finishes with a greeting.
/// </summary>
internal sealed class ScriptedLlm : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedLlm(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>Gets the OpenAI-compatible base URL (ending in <c>/v1</c>).</summary>
    public string BaseUrl { get; }

    public static async Task<ScriptedLlm> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            var request = await JsonNode.ParseAsync(http.Request.Body);
            var toolResults = request?["messages"]?.AsArray().Count(m => (string?)m?["role"] == "tool") ?? 0;
            var (tool, arguments) = toolResults == 0
                ? ("think", """{"thought": "The user wants a greeting; one line is enough."}""")
                : ("finish", """{"message": "Hello from the agent server! (a scripted reply: set LLM_MODEL to use a real model)"}""");
            return Results.Json(new JsonObject
            {
                ["id"] = "chatcmpl-scripted-" + toolResults,
                ["object"] = "chat.completion",
                ["created"] = 1_700_000_000,
                ["model"] = (string?)request?["model"] ?? "scripted",
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["finish_reason"] = "tool_calls",
                    ["message"] = new JsonObject
                    {
                        ["role"] = "assistant",
                        ["content"] = null,
                        ["tool_calls"] = new JsonArray(new JsonObject
                        {
                            ["id"] = "call_" + toolResults,
                            ["type"] = "function",
                            ["function"] = new JsonObject { ["name"] = tool, ["arguments"] = arguments },
                        }),
                    },
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 5, ["total_tokens"] = 15 },
            });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ScriptedLlm(app, address.TrimEnd('/') + "/v1");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
