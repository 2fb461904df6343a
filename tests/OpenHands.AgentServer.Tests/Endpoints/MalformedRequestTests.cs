using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>Bad input always gets a 4xx with a message, never a 5xx (DESIGN invariant 9).</summary>
[Category("AgentServer")]
public sealed class MalformedRequestTests : ServerTestBase
{
    private static readonly string Unknown = Guid.NewGuid().ToString();

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("POST", "/api/profiles/x", "");
        yield return new TestCaseData("POST", "/api/profiles/x", "{");
        yield return new TestCaseData("POST", "/api/profiles/x", "[]");
        yield return new TestCaseData("POST", "/api/profiles/x", "null");
        yield return new TestCaseData("POST", "/api/profiles/x", "{}");
        yield return new TestCaseData("POST", "/api/profiles/x", "{\"llm\":\"not-an-object\"}");
        yield return new TestCaseData("POST", "/api/profiles/x", "{\"llm\":{}}");
        yield return new TestCaseData("POST", "/api/profiles/x", "{\"llm\":{\"model\":42}}");
        yield return new TestCaseData("POST", "/api/profiles/x", "{\"llm\":{\"model\":\"\"}}");
        yield return new TestCaseData("POST", "/api/profiles/x", "{\"llm\":{\"model\":\"m\",\"temperature\":\"hot\"}}");
        yield return new TestCaseData("POST", "/api/profiles/x", "{\"llm\":{\"model\":\"m\",\"temperature\":-1}}");
        yield return new TestCaseData("POST", "/api/profiles/x", "{\"llm\":{\"model\":\"m\"},\"include_secrets\":\"yes\"}");
        yield return new TestCaseData("POST", "/api/profiles/x", "{\"llm\":{\"model\":\"m\",\"api_key\":\"gAAAAAbroken\"}}");
        yield return new TestCaseData("POST", "/api/profiles/" + new string('a', 65), "{\"llm\":{\"model\":\"m\"}}");
        yield return new TestCaseData("POST", "/api/profiles/_x", "{\"llm\":{\"model\":\"m\"}}");
        yield return new TestCaseData("GET", "/api/profiles/..%2Fetc%2Fpasswd", null);
        yield return new TestCaseData("GET", "/api/profiles/.hidden", null);
        yield return new TestCaseData("POST", "/api/profiles/x/rename", "{\"new_name\":5}");
        yield return new TestCaseData("POST", "/api/profiles/x/rename", "not json");
        yield return new TestCaseData("POST", "/api/profiles/x/validate", "{\"llm\":[]}");
        yield return new TestCaseData("POST", "/api/profiles/x/activate", null);
        yield return new TestCaseData("PATCH", "/api/settings", "");
        yield return new TestCaseData("PATCH", "/api/settings", "{}");
        yield return new TestCaseData("PATCH", "/api/settings", "{\"active_profile\":7}");
        yield return new TestCaseData("PATCH", "/api/settings", "{\"agent_settings_diff\":[1]}");
        yield return new TestCaseData("PATCH", "/api/settings", "{\"agent_settings_diff\":{\"llm\":\"gpt\"}}");
        yield return new TestCaseData("PATCH", "/api/settings", "{\"agent_settings_diff\":{\"llm\":{\"temperature\":1}}}");
        yield return new TestCaseData("POST", "/api/conversations", "{\"llm_profile\":\"bad name\"}");
        yield return new TestCaseData("POST", "/api/conversations", "{\"llm_profile\":3}");
        yield return new TestCaseData("POST", "/api/conversations", "{\"conversation_id\":\"nope\"}");
        yield return new TestCaseData("POST", "/api/conversations", "{\"agent\":\"x\"}");
        yield return new TestCaseData("POST", "/api/conversations", "{\"agent\":{\"llm\":5}}");
        yield return new TestCaseData("POST", "/api/conversations", "{\"max_iterations\":-5}");
        yield return new TestCaseData("GET", "/api/conversations/not-a-uuid", null);
        yield return new TestCaseData("GET", "/api/conversations/" + Unknown, null);
        yield return new TestCaseData("GET", "/api/conversations/search?limit=0", null);
        yield return new TestCaseData("GET", "/api/conversations/search?limit=101", null);
        yield return new TestCaseData("GET", "/api/conversations/search?page_id=abc", null);
        yield return new TestCaseData("GET", "/api/conversations", null);
        yield return new TestCaseData("GET", "/api/conversations?ids=zzz", null);
        yield return new TestCaseData("POST", "/api/conversations/" + Unknown + "/run", null);
        yield return new TestCaseData("POST", "/api/conversations/" + Unknown + "/switch_profile", "{\"profile_name\":\"a\"}");
        yield return new TestCaseData("DELETE", "/api/conversations/" + Unknown, null);
        yield return new TestCaseData("POST", "/api/conversations/" + Unknown + "/events", "{}");
        yield return new TestCaseData("GET", "/api/nothing/here", null);
        yield return new TestCaseData("PUT", "/api/profiles/x", "{}");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Request_Malformed_Returns4xxWithDetail(string method, string path, string? body)
    {
        var before = Snapshot();

        var response = await Server.SendAsync(new HttpMethod(method), path, body);

        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().BeInRange(400, 499, text);
        var detail = (await response.JsonAsync())["detail"];
        detail.Should().NotBeNull();
        detail!.ToJsonString().Length.Should().BeGreaterThan(4);
        Snapshot().Should().Equal(before, "a rejected request changes nothing on disk");
    }

    [TestCase("DELETE", "/api/profiles/fast", null)]
    [TestCase("POST", "/api/profiles/fast/rename", "{\"new_name\":\"renamed\"}")]
    [TestCase("POST", "/api/profiles/fast/activate", null)]
    [TestCase("PATCH", "/api/settings", "{\"active_profile\":\"fast\"}")]
    [TestCase("PATCH", "/api/settings", "{\"agent_settings_diff\":{\"llm\":{\"model\":\"openai/gpt-4o-mini\"}}}")]
    public async Task Request_CorruptSettingsFile_Returns409AndChangesNothing(string method, string path, string? body)
    {
        (await Server.PostAsync("/api/profiles/fast", "{\"llm\":{\"model\":\"openai/gpt-4o\",\"api_key\":\"sk-test-corrupt-1\"}}")).StatusCode.Should().Be(System.Net.HttpStatusCode.Created);
        (await Server.PatchAsync("/api/settings", "{\"misc_settings_diff\":{\"theme\":\"dark\"}}")).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);   // its lock file exists
        await File.WriteAllTextAsync(Path.Combine(Dir.Path, "settings.json"), "{ torn");
        var before = Snapshot();

        var response = await Server.SendAsync(new HttpMethod(method), path, body);

        ((int)response.StatusCode).Should().Be(409, await response.Content.ReadAsStringAsync());
        (await response.JsonAsync())["detail"]!.GetValue<string>().Should().Contain("Settings file is corrupted");
        Snapshot().Should().Equal(before, "a rejected request changes nothing on disk");
    }

    /// <summary>Every file below the persistence folder and its bytes.</summary>
    private Dictionary<string, string> Snapshot() =>
        Directory.GetFiles(Dir.Path, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Dir.Path, f), f => Convert.ToBase64String(File.ReadAllBytes(f)), StringComparer.Ordinal);
}
