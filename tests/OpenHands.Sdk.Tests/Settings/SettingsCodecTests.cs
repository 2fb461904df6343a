using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Settings.Internal;

namespace OpenHands.Sdk.Tests.Settings;

/// <summary><c>settings.json</c> through the source-generated contract: unknown fields at every level survive, output is stable.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Codec")]
public sealed class SettingsCodecTests
{
    private const string Document = """
        {"schema_version": 2, "zz_root": [1, {"b": 2, "a": 1}], "aa_root": null,
         "agent_settings": {"schema_version": 5, "agent_kind": "openhands", "tools": [{"name": "TerminalTool", "params": {"z": 1, "a": {"deep": true}}}],
           "agent_context": {"load_project_skills": true, "system_message_suffix": "Be brief.", "skills": []},
           "mcp_config": {"fetch": {"command": "uvx", "args": ["mcp-server-fetch"]}}, "condenser": {"max_size": 80}},
         "conversation_settings": {"schema_version": 1, "max_iterations": 7, "confirmation_mode": true, "security_analyzer": null, "future": 1.50},
         "active_profile": "fast", "active_agent_profile_id": null, "misc_settings": {"theme": "dark"}}
        """;

    [Test]
    public void Read_ThenWrite_KeepsUnknownFieldsAtEveryLevel()
    {
        var (settings, legacy) = SettingsCodec.Read(Encoding.UTF8.GetBytes(Document));

        var written = JsonNode.Parse(SettingsCodec.Write(settings))!;

        legacy.Should().BeNull();
        settings.AgentSettings.SystemMessageSuffix.Should().Be("Be brief.");
        settings.ConversationSettings.SecurityAnalyzer.Should().BeNull();
        var original = JsonNode.Parse(Document)!;
        foreach (var path in new[] { "zz_root", "aa_root", "agent_settings.mcp_config", "agent_settings.condenser", "agent_settings.agent_context",
                     "agent_settings.tools", "conversation_settings.future", "misc_settings" })
        {
            JsonNode.DeepEquals(At(written, path), At(original, path)).Should().BeTrue($"'{path}' must survive a load and save");
        }

        written["agent_settings"]!["agent_context"]!.AsObject().Select(p => p.Key).Should().Equal("load_project_skills", "system_message_suffix", "skills");
    }

    [Test]
    public void Write_ReadBack_IsByteIdentical()
    {
        var first = SettingsCodec.Write(SettingsCodec.Read(JsonNode.Parse(Document)).Settings);

        var second = SettingsCodec.Write(SettingsCodec.Read(first).Settings);

        second.Should().Equal(first);
        Encoding.UTF8.GetString(first).Should().StartWith("{\n  \"schema_version\": 2,\n  \"agent_settings\": {\n    \"schema_version\": 5,");
    }

    [Test]
    public void Read_LegacyEmbeddedLlm_IsHandedBackAndNotKept()
    {
        var (settings, legacy) = SettingsCodec.Read("""{"agent_settings": {"llm": {"model": "openai/gpt-4o", "api_key": "sk-test-codec-one"}}}"""u8);

        legacy!["model"]!.GetValue<string>().Should().Be("openai/gpt-4o");
        settings.AgentSettings.AdditionalProperties.Should().NotContainKey("llm");
        Encoding.UTF8.GetString(SettingsCodec.Write(settings)).Should().NotContain("sk-test-codec-one").And.NotContain("gpt-4o");
    }

    [TestCase("""{"agent_settings": {"agent_kind": "robot"}}""", "agent_kind")]
    [TestCase("""{"agent_settings": {"tools": [{"params": {}}]}}""", "agent_settings.tools")]
    [TestCase("""{"agent_settings": {"tools": [{"name": "t", "params": 5}]}}""", "params")]
    [TestCase("""{"conversation_settings": {"confirmation_mode": "yes"}}""", "conversation_settings.confirmation_mode")]
    [TestCase("""{"misc_settings": 5}""", "misc_settings")]
    [TestCase("""{"conversation_settings": {"schema_version": 9}}""", "newer than supported")]
    public void Read_BadValue_ThrowsLlmFormatExceptionNamingTheField(string json, string expected)
    {
        var act = () => SettingsCodec.Read(Encoding.UTF8.GetBytes(json));

        act.Should().Throw<LlmFormatException>().Which.Message.Should().Contain(expected);
    }

    private static JsonNode? At(JsonNode? node, string dotted)
    {
        foreach (var part in dotted.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node;
    }
}
