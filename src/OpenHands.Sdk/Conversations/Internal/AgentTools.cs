using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Mcp.Internal;
using OpenHands.Sdk.Agents.Tools;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// The agent's tools by name (the built-ins, then the agent's specs through the registry, then the tools of its MCP
/// servers), built on first use, with what depends on them: the tool declarations sent to the model, the system prompt
/// event, and the pending actions.
/// </summary>
internal sealed class AgentTools : IAsyncDisposable
{
    public const string FinishToolName = "finish";
    public const string ThinkToolName = "think";

    private readonly ToolRegistry _registry;
    private readonly Agent _agent;
    private readonly Guid _conversationId;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connect = new(1, 1);
    private readonly Func<IReadOnlyList<string>> _secretNames;
    private McpSession? _mcp;
    private Dictionary<string, ITool>? _tools;
    private List<AITool>? _declarations;

    /// <param name="agent">The agent whose tool specs and prompt options count (a switch changes only its LLM).</param>
    /// <param name="registry">Turns specs into tools.</param>
    /// <param name="conversationId">The conversation (for log messages).</param>
    /// <param name="logger">Receives MCP connection messages.</param>
    /// <param name="secretNames">The secrets the terminal can use, named in the system prompt's dynamic context.</param>
    public AgentTools(Agent agent, ToolRegistry registry, Guid conversationId, ILogger logger, Func<IReadOnlyList<string>>? secretNames = null)
    {
        _secretNames = secretNames ?? (() => []);
        _agent = agent;
        _registry = registry;
        _conversationId = conversationId;
        _logger = logger;
    }

    /// <summary>Connects the agent's MCP servers, once, before the tools are first built (nothing to do without any).</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (_mcp is not null || _tools is not null || _agent.McpConfig is not { Servers.Count: > 0 } config)
        {
            return;
        }

        await _connect.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _mcp ??= await McpSession.ConnectAsync(config, _conversationId, _logger, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _connect.Release();
        }
    }

    /// <summary>Closes the MCP clients (stopping stdio server processes).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_mcp is { } mcp)
        {
            await mcp.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Gets the tools by name.</summary>
    /// <exception cref="UnknownToolException">A spec names a tool the registry does not know.</exception>
    public IReadOnlyDictionary<string, ITool> ByName => _tools ??= Build();

    /// <summary>Gets the declarations sent to the model with every call.</summary>
    public IList<AITool> Declarations =>
        _declarations ??= [.. ByName.Select(t => (AITool)AIFunctionFactory.CreateDeclaration(t.Key, t.Value.Description, t.Value.ParametersSchema))];

    /// <summary>The system prompt event a conversation starts with, or <see langword="null"/> when it has one already.</summary>
    public SystemPromptEvent? SystemPromptIfMissing(IReadOnlyList<ConversationEvent> events, string workingDirectory)
    {
        var tools = ByName;
        if (events.Take(3).OfType<SystemPromptEvent>().Any())
        {
            return null;
        }

        var secretNames = _secretNames();
        return new SystemPromptEvent
        {
            Source = EventSource.Agent,
            SystemPrompt = _agent.SystemPrompt ?? SystemPrompt.Build(workingDirectory, _agent.SystemMessageSuffix),
            DynamicContext = secretNames is { Count: > 0 }
                ? "These secrets are set as environment variables of terminal commands that name them (their values are hidden in output): "
                  + string.Join(", ", secretNames.Select(n => "$" + n)) + "."
                : null,
            Tools = [.. tools.Values.Select(t => JsonSerializer.SerializeToElement(
                new ToolDefinition(t.Name, t.Description, t.ParametersSchema, t.GetType().Name), OpenHandsJsonContext.Default.ToolDefinition))],
        };
    }

    /// <summary>Executable actions without an observation or error: run before anything else (crash recovery, resume).</summary>
    public List<PreparedAction> Pending(IReadOnlyList<ConversationEvent> events)
    {
        var pending = new List<PreparedAction>();
        foreach (var action in Unanswered(events))
        {
            if (!ByName.TryGetValue(action.ToolName, out var tool))
            {
                continue;
            }

            var arguments = JsonNode.Parse(action.Action!.Value.GetRawText())!.AsObject();
            arguments.Remove("kind");
            if (tool is McpTool)
            {
                // MCP actions keep their arguments under "data", as the Python SDK writes them.
                arguments = arguments["data"] as JsonObject ?? [];
            }

            pending.Add(new PreparedAction(action, tool, JsonSerializer.SerializeToElement(arguments, OpenHandsJsonContext.Default.JsonNode), Fresh: false));
        }

        return pending;
    }

    /// <summary>Executable actions (with a payload) that have no observation, rejection or error yet, in order.</summary>
    public static List<ActionEvent> Unanswered(IReadOnlyList<ConversationEvent> events)
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
                case UserRejectObservationEvent r:
                    answered.Add(r.ActionId);
                    break;
                case UnknownEvent u when u.Json.TryGetProperty("action_id", out var id) && id.ValueKind == JsonValueKind.String:
                    answered.Add(id.GetString()!);
                    break;
            }
        }

        return [.. events.OfType<ActionEvent>().Where(a => a.Action is not null && !answered.Contains(a.Id) && !failedCalls.Contains(a.ToolCallId))];
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

        foreach (var tool in _mcp?.Tools ?? [])
        {
            // A name taken by a built-in or another server gets the server's name in front.
            tools.TryAdd(tools.ContainsKey(tool.Name) ? $"{((McpTool)tool).Server}_{tool.Name}" : tool.Name, tool);
        }

        return tools;
    }
}

/// <summary>
/// An action event with the tool that runs it and its arguments (without <c>summary</c> and <c>security_risk</c>), and
/// whether the model asked for it in this step (<paramref name="Fresh"/>: it may need confirmation) or it is pending from
/// before (running it is the confirmation).
/// </summary>
internal readonly record struct PreparedAction(ActionEvent Action, ITool Tool, JsonElement Arguments, bool Fresh = true);
