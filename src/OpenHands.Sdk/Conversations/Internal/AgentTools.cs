using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Tools;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// The agent's tools by name (the built-ins, then the agent's specs through the registry), built on first use, with
/// what depends on them: the tool declarations sent to the model, the system prompt event, and the pending actions.
/// </summary>
internal sealed class AgentTools
{
    public const string FinishToolName = "finish";

    private readonly ToolRegistry _registry;
    private readonly Agent _agent;
    private Dictionary<string, ITool>? _tools;
    private List<AITool>? _declarations;

    /// <param name="agent">The agent whose tool specs and prompt options count (a switch changes only its LLM).</param>
    /// <param name="registry">Turns specs into tools.</param>
    public AgentTools(Agent agent, ToolRegistry registry)
    {
        _agent = agent;
        _registry = registry;
    }

    /// <summary>Gets the tools by name.</summary>
    /// <exception cref="UnknownToolException">A spec names a tool the registry does not know.</exception>
    public IReadOnlyDictionary<string, ITool> ByName => _tools ??= Build();

    /// <summary>Gets the declarations sent to the model with every call.</summary>
    public IList<AITool> Declarations =>
        _declarations ??= [.. ByName.Values.Select(t => (AITool)AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.ParametersSchema))];

    /// <summary>The system prompt event a conversation starts with, or <see langword="null"/> when it has one already.</summary>
    public SystemPromptEvent? SystemPromptIfMissing(IReadOnlyList<ConversationEvent> events, string workingDirectory)
    {
        var tools = ByName;
        if (events.Take(3).OfType<SystemPromptEvent>().Any())
        {
            return null;
        }

        return new SystemPromptEvent
        {
            Source = EventSource.Agent,
            SystemPrompt = _agent.SystemPrompt ?? SystemPrompt.Build(workingDirectory, _agent.SystemMessageSuffix),
            Tools = [.. tools.Values.Select(t => JsonSerializer.SerializeToElement(
                new ToolDefinition(t.Name, t.Description, t.ParametersSchema, t.GetType().Name), OpenHandsJsonContext.Default.ToolDefinition))],
        };
    }

    /// <summary>Executable actions without an observation or error: run before anything else (crash recovery, resume).</summary>
    public List<PreparedAction> Pending(IReadOnlyList<ConversationEvent> events)
    {
        var answered = new HashSet<string>(StringComparer.Ordinal);
        var failedCalls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            switch (e)
            {
                case ObservationEvent o:
                    answered.Add(o.ActionId);
                    break;
                case AgentErrorEvent err:
                    failedCalls.Add(err.ToolCallId);
                    break;
                case UnknownEvent u when u.Json.TryGetProperty("action_id", out var id) && id.ValueKind == JsonValueKind.String:
                    answered.Add(id.GetString()!);
                    break;
            }
        }

        var pending = new List<PreparedAction>();
        foreach (var action in events.OfType<ActionEvent>())
        {
            if (action.Action is not { } payload || answered.Contains(action.Id) || failedCalls.Contains(action.ToolCallId)
                || !ByName.TryGetValue(action.ToolName, out var tool))
            {
                continue;
            }

            var arguments = JsonNode.Parse(payload.GetRawText())!.AsObject();
            arguments.Remove("kind");
            pending.Add(new PreparedAction(action, tool, JsonSerializer.SerializeToElement(arguments, OpenHandsJsonContext.Default.JsonNode)));
        }

        return pending;
    }

    private Dictionary<string, ITool> Build()
    {
        var specs = new List<ToolSpec> { new(FinishToolName), new("think") };
        if (_agent.EnableSwitchLlmTool)
        {
            specs.Add(new ToolSpec("switch_llm"));
        }

        specs.AddRange(_agent.Tools);
        var tools = new Dictionary<string, ITool>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            var tool = _registry.Create(spec);
            tools.TryAdd(tool.Name, tool);
        }

        return tools;
    }
}

/// <summary>An action event with the tool that runs it and its arguments (without <c>summary</c> and <c>security_risk</c>).</summary>
internal readonly record struct PreparedAction(ActionEvent Action, ITool Tool, JsonElement Arguments);
