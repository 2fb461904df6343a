using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>Reads and writes <c>base_state.json</c> in the Python SDK's shape; the LLM is written without secrets.</summary>
internal static class ConversationStateCodec
{
    private static readonly string[] RootKnown =
        ["id", "agent", "workspace", "persistence_dir", "max_iterations", "execution_status", "stats", "agent_state"];

    private static readonly string[] AgentKnown = ["llm", "tools", "kind"];

    public static byte[] Write(ConversationState state, string? persistenceDirectory)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", state.Id.ToString());
            w.WriteStartObject("agent");
            w.WritePropertyName("llm");
            LlmJsonCodec.Write(w, state.LlmSnapshot, SecretExposure.Redacted, cipher: null, isProfileFile: false);
            w.WriteStartArray("tools");
            foreach (var tool in state.Tools)
            {
                w.WriteStartObject();
                w.WriteString("name", tool.Name);
                w.WriteStartObject("params");
                JsonRead.WriteProperties(w, tool.Params);

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            JsonRead.WriteProperties(w, state.AgentProperties);
            w.WriteString("kind", "Agent");
            w.WriteEndObject();
            w.WriteStartObject("workspace");
            w.WriteString("working_dir", state.WorkingDirectory);
            w.WriteString("kind", "LocalWorkspace");
            w.WriteEndObject();
            if (persistenceDirectory is not null)
            {
                w.WriteString("persistence_dir", persistenceDirectory);
            }

            w.WriteNumber("max_iterations", state.MaxIterations);
            w.WriteString("execution_status", StatusName(state.ExecutionStatus));
            w.WriteStartObject("stats");
            w.WriteStartObject("usage_to_metrics");
            foreach (var (usageId, m) in state.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject(usageId);
                w.WriteString("model_name", m.ModelName);
                w.WriteNumber("accumulated_cost", m.AccumulatedCost);
                w.WriteStartObject("accumulated_token_usage");
                w.WriteString("model", m.ModelName);
                w.WriteNumber("prompt_tokens", m.PromptTokens);
                w.WriteNumber("completion_tokens", m.CompletionTokens);
                w.WriteNumber("cache_read_tokens", m.CacheReadTokens);
                w.WriteNumber("cache_write_tokens", 0);
                w.WriteNumber("reasoning_tokens", m.ReasoningTokens);
                w.WriteNumber("context_window", 0);
                w.WriteNumber("per_turn_token", m.PerTurnToken);
                w.WriteString("response_id", string.Empty);
                w.WriteEndObject();
                w.WriteNumber("calls", m.Calls);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("agent_state");
            if (state.LlmProfile is { } profile)
            {
                w.WriteString("llm_profile", profile.Name.Value);
            }

            JsonRead.WriteProperties(w, state.AgentState);
            w.WriteEndObject();
            JsonRead.WriteProperties(w, state.AdditionalProperties);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="LlmFormatException">The document is not a valid conversation state.</exception>
    public static ConversationState Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new LlmFormatException("the state is not a JSON object");
        }

        var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String && Guid.TryParse(idElement.GetString(), out var g)
            ? g : throw new LlmFormatException("field 'id' must be a UUID string");
        var agent = root.TryGetProperty("agent", out var a) && a.ValueKind == JsonValueKind.Object
            ? a : throw new LlmFormatException("field 'agent' must be an object");
        var llm = agent.TryGetProperty("llm", out var l) && l.ValueKind == JsonValueKind.Object
            ? ReadSnapshot(l) : throw new LlmFormatException("field 'agent.llm' must be an object");

        var tools = ImmutableArray.CreateBuilder<ToolSpec>();
        if (agent.TryGetProperty("tools", out var toolArray) && toolArray.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in toolArray.EnumerateArray())
            {
                var name = t.ValueKind == JsonValueKind.Object && t.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                    ? n.GetString()! : throw new LlmFormatException("each entry of 'agent.tools' must have a 'name'");
                tools.Add(new ToolSpec(name, t.TryGetProperty("params", out var p) ? JsonRead.ObjectMap(p, "params") ?? ImmutableDictionary<string, JsonElement>.Empty : ImmutableDictionary<string, JsonElement>.Empty));
            }
        }

        ProfileReference? profile = null;
        var agentState = ImmutableDictionary<string, JsonElement>.Empty;
        if (root.TryGetProperty("agent_state", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            var reference = s.TryGetProperty("llm_profile", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            profile = reference is not null && ProfileName.TryCreate(reference, out var pn) ? new ProfileReference(pn) : null;
            agentState = JsonRead.Others(s, ["llm_profile"]);
        }

        return new ConversationState
        {
            Id = id,
            ExecutionStatus = TryParseStatus(root.TryGetProperty("execution_status", out var st) && st.ValueKind == JsonValueKind.String ? st.GetString() : null)
                ?? ConversationExecutionStatus.Idle,
            LlmProfile = profile,
            LlmSnapshot = llm,
            Tools = tools.ToImmutable(),
            WorkingDirectory = root.TryGetProperty("workspace", out var ws) && ws.ValueKind == JsonValueKind.Object
                && ws.TryGetProperty("working_dir", out var wd) && wd.ValueKind == JsonValueKind.String ? wd.GetString()! : Environment.CurrentDirectory,
            MaxIterations = root.TryGetProperty("max_iterations", out var mi) ? JsonRead.Int(mi, "max_iterations") ?? 500 : 500,
            Metrics = ReadMetrics(root),
            AgentProperties = JsonRead.Others(agent, AgentKnown),
            AgentState = agentState,
            AdditionalProperties = JsonRead.Others(root, RootKnown),
        };
    }

    /// <summary>Reads an LLM snapshot, dropping every secret field whatever its form (plaintext, sentinel, token).</summary>
    public static Llm ReadSnapshot(JsonElement llm)
    {
        var node = JsonObject.Create(llm)!.DeepClone().AsObject();
        foreach (var field in LlmJsonCodec.SecretFieldNames)
        {
            node.Remove(field);
        }

        var element = JsonSerializer.SerializeToElement(node, Settings.Internal.SettingsJsonContext.Default.JsonNode);
        return LlmJsonCodec.Read(element, cipher: null, isProfileFile: false, (f, r) => new LlmFormatException($"{f}: {r}"));
    }

    /// <summary>The secret-free copy of an LLM that conversation state keeps.</summary>
    public static Llm Snapshot(Llm llm) =>
        llm with { ApiKey = null, AwsAccessKeyId = null, AwsSecretAccessKey = null, AwsSessionToken = null, SourceProfile = null };

    public static string StatusName(ConversationExecutionStatus status) => status switch
    {
        ConversationExecutionStatus.Running => "running",
        ConversationExecutionStatus.Paused => "paused",
        ConversationExecutionStatus.WaitingForConfirmation => "waiting_for_confirmation",
        ConversationExecutionStatus.Finished => "finished",
        ConversationExecutionStatus.Error => "error",
        ConversationExecutionStatus.Stuck => "stuck",
        ConversationExecutionStatus.Deleting => "deleting",
        _ => "idle",
    };

    /// <summary>Reads a Python <c>execution_status</c> name; an unknown or missing one is <see langword="null"/>.</summary>
    public static ConversationExecutionStatus? TryParseStatus(string? status) => status switch
    {
        "idle" => ConversationExecutionStatus.Idle,
        "running" => ConversationExecutionStatus.Running,
        "paused" => ConversationExecutionStatus.Paused,
        "waiting_for_confirmation" => ConversationExecutionStatus.WaitingForConfirmation,
        "finished" => ConversationExecutionStatus.Finished,
        "error" => ConversationExecutionStatus.Error,
        "stuck" => ConversationExecutionStatus.Stuck,
        "deleting" => ConversationExecutionStatus.Deleting,
        _ => null,
    };

    private static ImmutableDictionary<string, LlmUsageMetrics> ReadMetrics(JsonElement root)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, LlmUsageMetrics>(StringComparer.Ordinal);
        if (root.TryGetProperty("stats", out var stats) && stats.ValueKind == JsonValueKind.Object
            && stats.TryGetProperty("usage_to_metrics", out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in map.EnumerateObject())
            {
                var m = entry.Value;
                if (m.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var usage = m.TryGetProperty("accumulated_token_usage", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
                builder[entry.Name] = new LlmUsageMetrics(
                    JsonRead.StringProperty(m, "model_name") ?? string.Empty,
                    Num(m, "accumulated_cost"),
                    (long)Num(usage, "prompt_tokens"),
                    (long)Num(usage, "completion_tokens"),
                    (long)Num(usage, "cache_read_tokens"),
                    (long)Num(usage, "reasoning_tokens"),
                    (long)Num(usage, "per_turn_token"),
                    (int)Num(m, "calls"));
            }
        }

        return builder.ToImmutable();
    }

    private static double Num(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;

}
