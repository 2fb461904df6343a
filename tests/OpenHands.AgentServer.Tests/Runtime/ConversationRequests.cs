using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Runtime;

/// <summary>The REST calls the runtime tests make: a profile on the fake LLM, a conversation with messages, a message.</summary>
internal static class ConversationRequests
{
    public const string Key = "sk-test-runtime";

    public static async Task SaveProfileAsync(HttpClient client, FakeLlmServer llm, string name = "fast")
    {
        using var response = await PostAsync(client, $"/api/profiles/{name}", new JsonObject
        {
            ["llm"] = new JsonObject { ["model"] = "openai/gpt-test", ["api_key"] = Key, ["base_url"] = llm.BaseUrl + "/v1", ["num_retries"] = 0 },
        });
        ((int)response.StatusCode).Should().BeInRange(200, 201, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Starts a conversation on profile <c>fast</c> with the given messages (not run); returns its id.</summary>
    public static async Task<string> StartAsync(HttpClient client, params string[] messages)
    {
        var body = new JsonObject { ["llm_profile"] = "fast" };
        if (messages.Length > 0)
        {
            body["initial_message"] = Message(messages[0], run: false);
        }

        using var response = await PostAsync(client, "/api/conversations", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.JsonAsync())["id"]!.GetValue<string>();
        foreach (var text in messages.Skip(1))
        {
            using var sent = await SendAsync(client, id, text, run: false);
            sent.StatusCode.Should().Be(HttpStatusCode.OK, await sent.Content.ReadAsStringAsync());
        }

        return id;
    }

    public static Task<HttpResponseMessage> SendAsync(HttpClient client, string id, string text, bool run) =>
        PostAsync(client, $"/api/conversations/{id}/events", Message(text, run));

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, JsonNode body) =>
        client.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    public static async Task<JsonNode> WaitForStatusAsync(HttpClient client, string id, params string[] statuses)
    {
        for (var i = 0; i < 400; i++)
        {
            using var response = await client.GetAsync($"/api/conversations/{id}");
            var info = await response.JsonAsync();
            if (statuses.Contains(info["execution_status"]!.GetValue<string>()))
            {
                return info;
            }

            await Task.Delay(25);
        }

        throw new AssertionException($"conversation {id} never reached {string.Join("/", statuses)}");
    }

    private static JsonObject Message(string text, bool run) => new()
    {
        ["role"] = "user",
        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
        ["run"] = run,
    };
}
