using System.Net;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Endpoints;

[Category("AgentServer")]
public sealed class SettingsEndpointsTests : ServerTestBase
{
    private const string Key = "sk-test-settings-endpoints";

    [Test]
    public async Task Get_NoFile_ReturnsDefaultsWithoutLlm()
    {
        var body = await (await Server.GetAsync("/api/settings")).JsonAsync();

        body["llm_api_key_is_set"]!.GetValue<bool>().Should().BeFalse();
        body["active_profile"].Should().BeNull();
        body["agent_settings"]!.AsObject().ContainsKey("llm").Should().BeFalse();
        body["conversation_settings"]!["max_iterations"].Should().NotBeNull();
    }

    [Test]
    public async Task Get_InvalidExposeHeader_Returns400()
    {
        var response = await Server.GetAsync("/api/settings", ("X-Expose-Secrets", "yes"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Patch_Empty_Returns400ExactMessage()
    {
        var response = await Server.PatchAsync("/api/settings", "{}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.JsonAsync())["detail"]!.GetValue<string>().Should().StartWith("At least one of agent_settings_diff");
    }

    [Test]
    public async Task Patch_ActiveProfile_SetsAndClearsPointer()
    {
        await Server.PostAsync("/api/profiles/fast", "{\"llm\":{\"model\":\"openai/gpt-4o\",\"api_key\":\"" + Key + "\"}}");

        var set = await (await Server.PatchAsync("/api/settings", "{\"active_profile\":\"fast\"}")).JsonAsync();
        var cleared = await (await Server.PatchAsync("/api/settings", "{\"active_profile\":null}")).JsonAsync();

        set["active_profile"]!.GetValue<string>().Should().Be("fast");
        set["llm_api_key_is_set"]!.GetValue<bool>().Should().BeTrue();
        cleared["active_profile"].Should().BeNull();
        cleared["llm_api_key_is_set"]!.GetValue<bool>().Should().BeFalse();
    }

    [TestCase("{\"active_profile\":\"ghost\"}", 404)]
    [TestCase("{\"active_profile\":\"not a valid profile\"}", 422)]
    [TestCase("{\"active_agent_profile_id\":\"not-a-uuid\"}", 422)]
    [TestCase("{\"conversation_settings_diff\":\"text\"}", 422)]
    public async Task Patch_BadPointer_ReturnsReferenceStatus(string body, int status)
    {
        var response = await Server.PatchAsync("/api/settings", body);

        ((int)response.StatusCode).Should().Be(status);
        (await Server.GetAsync("/api/settings")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Patch_ConversationAndMiscDiff_Merges()
    {
        var body = await (await Server.PatchAsync("/api/settings",
            "{\"conversation_settings_diff\":{\"max_iterations\":42},\"misc_settings_diff\":{\"theme\":\"dark\"}}")).JsonAsync();

        body["conversation_settings"]!["max_iterations"]!.GetValue<int>().Should().Be(42);
        body["misc_settings"]!["theme"]!.GetValue<string>().Should().Be("dark");
        var again = await (await Server.GetAsync("/api/settings")).JsonAsync();
        again["conversation_settings"]!["max_iterations"]!.GetValue<int>().Should().Be(42);
    }

    [Test]
    public async Task Patch_LegacyLlmDiff_MaterializesDefaultProfileWithDeprecationHeader()
    {
        var response = await Server.PatchAsync("/api/settings",
            "{\"agent_settings_diff\":{\"llm\":{\"model\":\"openai/gpt-4o\",\"api_key\":\"" + Key + "\"}}}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("Deprecation").Should().ContainSingle().Which.Should().Be("true");
        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotContain(Key);
        var body = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        body["active_profile"]!.GetValue<string>().Should().Be("Default");
        body["llm_api_key_is_set"]!.GetValue<bool>().Should().BeTrue();
        File.ReadAllText(Path.Combine(Dir.Path, "settings.json")).Should().NotContain(Key);
        var profile = await (await Server.GetAsync("/api/profiles/Default", ("X-Expose-Secrets", "plaintext"))).JsonAsync();
        profile["config"]!["api_key"]!.GetValue<string>().Should().Be(Key);
    }

    [Test]
    public async Task Patch_LegacyLlmDiffWithActiveProfile_StoresTheResultAsTheNewActiveProfileAndLeavesTheOldOne()
    {
        await Server.PostAsync("/api/profiles/fast", "{\"llm\":{\"model\":\"openai/gpt-4o\",\"api_key\":\"" + Key + "\"}}");
        await Server.PostAsync("/api/profiles/fast/activate");
        var fast = File.ReadAllBytes(Path.Combine(Dir.Path, "profiles", "fast.json"));

        var response = await Server.PatchAsync("/api/settings", "{\"agent_settings_diff\":{\"llm\":{\"model\":\"openai/gpt-4o-mini\"}}}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var active = (await response.JsonAsync())["active_profile"]!.GetValue<string>();
        active.Should().Be("Default", "the diff applied to 'fast' is a new LLM, stored under the policy (Default is free)");
        File.ReadAllBytes(Path.Combine(Dir.Path, "profiles", "fast.json")).Should().Equal(fast, "the old active profile is never rewritten");
        var profile = await (await Server.GetAsync("/api/profiles/Default", ("X-Expose-Secrets", "plaintext"))).JsonAsync();
        profile["config"]!["model"]!.GetValue<string>().Should().Be("openai/gpt-4o-mini");
        profile["config"]!["api_key"]!.GetValue<string>().Should().Be(Key, "the rest of the active profile's content is kept");
    }
}
