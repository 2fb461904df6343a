using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Agents.Condensers;
using OpenHands.Sdk.Agents.Mcp;
using OpenHands.Sdk.Agents.Security;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// Reads the control parts of requests (confirmation policy, security analyzer, secrets, MCP servers, condenser) into SDK
/// values; each problem is a 422 in FastAPI's shape at the field's location, raised before anything is written.
/// </summary>
internal static class ControlWire
{
    private const string CondenserKind = "LLMSummarizingCondenser";

    public static ConfirmationPolicy Policy(ConfirmationPolicyDocument? document, params string[] loc)
    {
        if (document is null)
        {
            throw ApiException.Validation("Field required: a policy such as {\"kind\": \"ConfirmRisky\", \"threshold\": \"MEDIUM\"}", "missing", loc);
        }

        try
        {
            return ConfirmationPolicyJson.Read(JsonSerializer.SerializeToElement(document, WireJson.Contract<ConfirmationPolicyDocument>()));
        }
        catch (JsonException e)
        {
            throw ApiException.Validation(e.Message, "value_error", loc);
        }
    }

    /// <summary>An analyzer by kind; <see langword="null"/> for none. Only kinds this server can run are accepted.</summary>
    public static ISecurityAnalyzer? Analyzer(EventKindDocument? document, params string[] loc) => document switch
    {
        null => null,
        { Kind: PatternSecurityAnalyzer.KindName } => new PatternSecurityAnalyzer(),
        _ => throw ApiException.Validation(
            $"security_analyzer kind '{document.Kind}' is not available on this server; use {{\"kind\": \"{PatternSecurityAnalyzer.KindName}\"}} or null",
            "value_error", [.. loc, "kind"]),
    };

    /// <summary>The secrets of a request by variable name; a lookup source, a missing value or a bad name is a 422.</summary>
    public static IReadOnlyDictionary<string, SecretString> Secrets(Dictionary<string, SecretInput?>? secrets, params string[] loc)
    {
        var result = new Dictionary<string, SecretString>(StringComparer.Ordinal);
        foreach (var (name, input) in secrets ?? [])
        {
            string[] at = [.. loc, name];
            if (input is { IsLookup: true })
            {
                throw ApiException.Validation(
                    $"Secret '{name}' is a {input.Kind ?? "LookupSecret"}: this server takes only values (a string, or {{\"kind\": \"StaticSecret\", \"value\": ...}})",
                    "value_error", at);
            }

            if (SecretString.FromNullable(input?.Value) is not { } value || Cipher.LooksEncrypted(value.Reveal()))
            {
                throw ApiException.Validation($"Secret '{name}' needs a plaintext value", "missing", at);
            }

            result[name] = value;
        }

        try
        {
            ConversationSecrets.Validate(result, "secrets");
        }
        catch (ArgumentException e)
        {
            throw ApiException.Validation(e.Message.Split(" (Parameter", 2)[0], "value_error", loc);
        }

        return result;
    }

    /// <summary>The MCP servers of a request's <c>agent.mcp_config</c> (values in plaintext), or <see langword="null"/> for none.</summary>
    public static McpConfig? Mcp(McpConfigDocument? document, params string[] loc)
    {
        if (document is null)
        {
            return null;
        }

        var config = ReadMcp(document, loc);
        return config.Servers.Count == 0 ? null : config;
    }

    /// <summary>
    /// An MCP configuration of a request, read by the SDK's public <see cref="McpConfig.Parse"/> from the JSON of the
    /// wire's document; a bad one is a 422 at <paramref name="loc"/> with the SDK's description of the field.
    /// </summary>
    public static McpConfig ReadMcp(McpConfigDocument document, params string[] loc)
    {
        try
        {
            return McpConfig.Parse(JsonSerializer.Serialize(document, WireJson.Contract<McpConfigDocument>()));
        }
        catch (ArgumentException e)
        {
            throw ApiException.Validation((e.InnerException ?? e).Message, "value_error", loc);
        }
    }

    /// <summary>
    /// The condenser of a request's <c>agent.condenser</c>, its LLM the profile <paramref name="profile"/> (else the
    /// agent's); an inline <c>llm</c> is not used: the condenser's LLM is a profile reference.
    /// </summary>
    public static LlmSummarizingCondenser? Condenser(CondenserDocument? document, string? profile, params string[] loc)
    {
        if (document is null)
        {
            return profile is null ? null
                : throw ApiException.Validation("condenser_profile needs agent.condenser ({\"kind\": \"LLMSummarizingCondenser\"})", "value_error", "body", "condenser_profile");
        }

        var kind = UnknownFields.RemoveString(document.Unknown, "kind");
        if (kind is not (null or CondenserKind))
        {
            throw ApiException.Validation($"condenser kind '{kind}' is not available on this server; use \"{CondenserKind}\"", "value_error", [.. loc, "kind"]);
        }

        try
        {
            var condenser = new LlmSummarizingCondenser
            {
                Profile = profile is null ? null : new ProfileReference(Names.Parse(profile, "body", "condenser_profile")),
                MaxSize = document.MaxSize ?? 240,
                KeepFirst = document.KeepFirst ?? 2,
            };
            condenser.Validate();
            return condenser;
        }
        catch (ArgumentException e)
        {
            throw ApiException.Validation(e.Message.Split(" (Parameter", 2)[0], "value_error", loc);
        }
    }

    /// <summary>The analyzer a conversation shows in its info: its kind, or <see langword="null"/> for none.</summary>
    public static EventKindDocument? Show(ISecurityAnalyzer? analyzer) => analyzer is null ? null : new EventKindDocument { Kind = analyzer.Kind };
}
