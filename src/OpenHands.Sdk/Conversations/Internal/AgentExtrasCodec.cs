using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Condensers;
using OpenHands.Sdk.Agents.Mcp;
using OpenHands.Sdk.Agents.Mcp.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// The agent's <c>mcp_config</c> and <c>condenser</c> in <c>base_state.json</c>, in the Python SDK's shapes. MCP
/// environment values and headers are written as Fernet tokens of the factory's cipher, or <c>**********</c> without
/// one (then a restored conversation no longer has them). The condenser's profile is kept as
/// <c>agent_state.condenser_profile</c>; its <c>llm</c> is a secret-free snapshot for readers that expect one.
/// </summary>
internal static class AgentExtrasCodec
{
    private const string McpConfigField = "mcp_config";
    private const string CondenserField = "condenser";
    private const string CondenserKind = "LLMSummarizingCondenser";

    private static readonly JsonSerializerOptions Options = OpenHandsJson.Redacted;

    public static ImmutableDictionary<string, JsonElement> Write(ImmutableDictionary<string, JsonElement> properties, Agent agent, Llm? condenserLlm, Cipher? cipher)
    {
        if (agent.McpConfig is { Servers.Count: > 0 } mcp)
        {
            properties = properties.SetItem(McpConfigField, McpConfigCodec.Write(mcp, cipher is null ? SecretExposure.Redacted : SecretExposure.Encrypted, cipher));
        }

        if (agent.Condenser is { } condenser)
        {
            var document = new CondenserDocument
            {
                Llm = LlmJsonCodec.WriteView(SecretFields.Without(condenserLlm ?? agent.Llm), isProfileFile: false, includeUsageId: false),
                MaxSize = condenser.MaxSize,
                KeepFirst = condenser.KeepFirst,
                Unknown = UnknownFields.ForWrite(ImmutableDictionary<string, JsonElement>.Empty, "kind", UnknownFields.Element(CondenserKind)),
            };
            properties = properties.SetItem(CondenserField, JsonSerializer.SerializeToElement(document, Options.Contract<CondenserDocument>()));
        }

        return properties;
    }

    /// <summary>The agent with the MCP servers and condenser its persisted state names.</summary>
    /// <exception cref="LlmFormatException">The persisted <c>mcp_config</c> or <c>condenser</c> is not valid.</exception>
    public static Agent Read(Agent agent, ConversationState state, Cipher? cipher)
    {
        if (state.AgentProperties.TryGetValue(McpConfigField, out var mcp) && mcp.ValueKind == JsonValueKind.Object)
        {
            var config = McpConfigCodec.Read(mcp, cipher);
            agent = agent with { McpConfig = config.Servers.Count > 0 ? config : null };
        }

        if (state.AgentProperties.TryGetValue(CondenserField, out var condenser) && condenser.ValueKind == JsonValueKind.Object)
        {
            CondenserDocument? document;
            try
            {
                document = condenser.Deserialize(Options.Contract<CondenserDocument>());
            }
            catch (JsonException ex)
            {
                throw new LlmFormatException("field 'agent.condenser' " + JsonErrors.Describe(ex), ex);
            }

            if (UnknownFields.RemoveString(document?.Unknown, "kind") is CondenserKind or null && document is not null)
            {
                agent = agent with
                {
                    Condenser = new LlmSummarizingCondenser
                    {
                        Profile = state.CondenserProfile,
                        MaxSize = document.MaxSize > 0 ? document.MaxSize.Value : 240,
                        KeepFirst = document.KeepFirst >= 0 ? document.KeepFirst.Value : 2,
                    },
                };
            }
        }

        return agent;
    }
}
