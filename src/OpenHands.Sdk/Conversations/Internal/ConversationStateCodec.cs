using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Converters;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// Reads and writes <c>base_state.json</c> in the Python SDK's shape through <see cref="ConversationStateDocument"/>. The
/// LLM is written as a secret-free snapshot (<see cref="SecretFields.Without"/>), whatever the state holds.
/// </summary>
internal static class ConversationStateCodec
{
    private static readonly JsonSerializerOptions Options = OpenHandsJson.Redacted;

    public static byte[] Write(ConversationState state, string? persistenceDirectory)
    {
        var metrics = new SortedDictionary<string, MetricsDocument>(StringComparer.Ordinal);
        foreach (var (usageId, m) in state.Metrics)
        {
            metrics[usageId] = new MetricsDocument
            {
                ModelName = m.ModelName,
                AccumulatedCost = m.AccumulatedCost,
                AccumulatedTokenUsage = new TokenUsageDocument
                {
                    Model = m.ModelName,
                    PromptTokens = m.PromptTokens,
                    CompletionTokens = m.CompletionTokens,
                    CacheReadTokens = m.CacheReadTokens,
                    ReasoningTokens = m.ReasoningTokens,
                    PerTurnToken = m.PerTurnToken,
                    ResponseId = string.Empty,
                },
                Calls = m.Calls,
            };
        }

        var document = new ConversationStateDocument
        {
            Id = state.Id.ToString(),
            Agent = new AgentDocument
            {
                Llm = LlmJsonCodec.WriteView(SecretFields.Without(state.LlmSnapshot), isProfileFile: false, includeUsageId: true),
                Tools = [.. state.Tools.Select(t => new ToolDocument { Name = t.Name, Params = t.Params })],
                Unknown = UnknownFields.ForWrite(state.AgentProperties, "kind", UnknownFields.Element("Agent")),
            },
            Workspace = new WorkspaceDocument { WorkingDir = state.WorkingDirectory, Kind = "LocalWorkspace" },
            PersistenceDir = persistenceDirectory,
            MaxIterations = state.MaxIterations,
            StuckDetection = state.StuckDetection,
            ExecutionStatus = state.ExecutionStatus,
            ConfirmationPolicy = ControlStateCodec.WritePolicy(state.ConfirmationPolicy),
            SecurityAnalyzer = ControlStateCodec.WriteAnalyzer(state.SecurityAnalyzer, state.UnknownSecurityAnalyzer),
            Stats = new StatsDocument { UsageToMetrics = metrics },
            SecretRegistry = ControlStateCodec.WriteSecrets(state.Secrets),
            AgentState = new AgentStateDocument
            {
                LlmProfile = state.LlmProfile?.Name.Value,
                CondenserProfile = state.CondenserProfile?.Name.Value,
                Unknown = UnknownFields.ForWrite(state.AgentState),
            },
            Unknown = UnknownFields.ForWrite(state.AdditionalProperties),
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, Options.Contract<ConversationStateDocument>());
    }

    /// <exception cref="LlmFormatException">The document is not a valid conversation state.</exception>
    public static ConversationState Read(JsonElement root)
    {
        try
        {
            return FromDocument(root.Deserialize(Options.Contract<ConversationStateDocument>()));
        }
        catch (JsonException ex)
        {
            throw new LlmFormatException(JsonErrors.Describe(ex), ex);
        }
    }

    /// <summary>Reads <c>base_state.json</c>'s bytes.</summary>
    /// <exception cref="LlmFormatException">The text is not JSON or not a valid conversation state.</exception>
    public static ConversationState Read(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return FromDocument(JsonSerializer.Deserialize(utf8, Options.Contract<ConversationStateDocument>()));
        }
        catch (JsonException ex)
        {
            throw new LlmFormatException(JsonErrors.Describe(ex), ex);
        }
    }

    /// <summary>Reads an LLM snapshot, dropping every secret whatever its form (plaintext, sentinel, token).</summary>
    public static Llm ReadSnapshot(JsonElement llm) => LlmJsonCodec.ReadSecretFree(llm);

    /// <summary>The secret-free copy of an LLM that conversation state keeps.</summary>
    public static Llm Snapshot(Llm llm) => SecretFields.Without(llm);

    public static string StatusName(ConversationExecutionStatus status) => ExecutionStatusConverter.Instance.NameOf(status);

    /// <summary>Reads a Python <c>execution_status</c> name; an unknown or missing one is <see langword="null"/>.</summary>
    public static ConversationExecutionStatus? TryParseStatus(string? status) => ExecutionStatusConverter.Instance.Parse(status);

    private static ConversationState FromDocument(ConversationStateDocument? document)
    {
        if (document is null)
        {
            throw new LlmFormatException("the state is not a JSON object");
        }

        var id = Guid.TryParse(document.Id, out var g) ? g : throw new LlmFormatException("field 'id' must be a UUID string");
        var agent = document.Agent ?? throw new LlmFormatException("field 'agent' must be an object");
        var llm = LlmJsonCodec.FinishSecretFree(agent.Llm ?? throw new LlmFormatException("field 'agent.llm' must be an object"));
        var tools = ImmutableArray.CreateBuilder<ToolSpec>();
        foreach (var tool in agent.Tools ?? [])
        {
            var name = tool?.Name ?? throw new LlmFormatException("each entry of 'agent.tools' must have a 'name'");
            tools.Add(new ToolSpec(name, tool.Params ?? ImmutableDictionary<string, JsonElement>.Empty));
        }

        var reference = document.AgentState?.LlmProfile;
        var condenserProfile = document.AgentState?.CondenserProfile;
        var (analyzer, unknownAnalyzer) = ControlStateCodec.ReadAnalyzer(document.SecurityAnalyzer);
        return new ConversationState
        {
            Id = id,
            ExecutionStatus = document.ExecutionStatus,
            LlmProfile = reference is not null && ProfileName.TryCreate(reference, out var profile) ? new ProfileReference(profile) : null,
            LlmSnapshot = llm,
            Tools = tools.ToImmutable(),
            WorkingDirectory = document.Workspace?.WorkingDir ?? Environment.CurrentDirectory,
            MaxIterations = document.MaxIterations ?? 500,
            Metrics = Metrics(document.Stats),
            StuckDetection = document.StuckDetection ?? true,
            ConfirmationPolicy = ControlStateCodec.ReadPolicy(document.ConfirmationPolicy),
            SecurityAnalyzer = analyzer,
            UnknownSecurityAnalyzer = unknownAnalyzer,
            Secrets = ControlStateCodec.ReadSecrets(document.SecretRegistry),
            CondenserProfile = condenserProfile is not null && ProfileName.TryCreate(condenserProfile, out var cp) ? new ProfileReference(cp) : null,
            AgentProperties = UnknownFields.Take(agent.Unknown, "kind"),
            AgentState = UnknownFields.Take(document.AgentState?.Unknown),
            AdditionalProperties = UnknownFields.Take(document.Unknown),
        };
    }

    private static ImmutableDictionary<string, LlmUsageMetrics> Metrics(StatsDocument? stats)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, LlmUsageMetrics>(StringComparer.Ordinal);
        foreach (var (usageId, m) in stats?.UsageToMetrics ?? [])
        {
            if (m is null)
            {
                continue;
            }

            var usage = m.AccumulatedTokenUsage ?? new TokenUsageDocument();
            builder[usageId] = new LlmUsageMetrics(
                m.ModelName ?? string.Empty, m.AccumulatedCost, usage.PromptTokens, usage.CompletionTokens,
                usage.CacheReadTokens, usage.ReasoningTokens, usage.PerTurnToken, m.Calls);
        }

        return builder.ToImmutable();
    }
}
