using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Mcp.Internal;
using OpenHands.Sdk.Agents.Security;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// Tool calls of the model: each becomes an <see cref="ActionEvent"/> (or an <see cref="AgentErrorEvent"/> when the tool
/// is unknown or the arguments do not parse), rated by the conversation's security analyzer; a new batch the confirmation
/// policy asks about waits (status <c>waiting_for_confirmation</c>); otherwise the batch runs, in order, with the
/// conversation's secrets available to the tools, and each result, secrets masked, becomes an observation.
/// </summary>
internal sealed class ActionRunner
{
    private readonly AgentTools _tools;
    private readonly EventStream _events;
    private readonly ConversationPersistence _persistence;
    private readonly LlmBinding _llm;
    private readonly ToolContext _context;
    private readonly ConversationSecrets _secrets;
    private readonly ILogger _logger;

    public ActionRunner(AgentTools tools, EventStream events, ConversationPersistence persistence, LlmBinding llm, ToolContext context, ConversationSecrets secrets, ILogger logger)
    {
        _tools = tools;
        _events = events;
        _persistence = persistence;
        _llm = llm;
        _secrets = secrets;
        _logger = logger;
        _context = context.WithSecrets(secrets.NamedIn);
    }

    /// <summary>Records a tool call as an action; returns what to run, or <see langword="null"/> when it cannot run.</summary>
    public PreparedAction? Prepare(FunctionCallContent call, string responseId, string thought, string? reasoning)
    {
        var tools = _tools.ByName;
        var callId = string.IsNullOrEmpty(call.CallId) ? "call_" + Guid.NewGuid().ToString("N")[..12] : call.CallId;
        var rawArguments = call.RawRepresentation as string ?? JsonSerializer.Serialize(
            call.Arguments?.ToDictionary(kv => kv.Key, kv => kv.Value is JsonElement je ? je : JsonSerializer.SerializeToElement(kv.Value?.ToString(), OpenHandsJsonContext.Default.String))
            ?? [], OpenHandsJsonContext.Default.DictionaryStringJsonElement);
        var record = new ToolCallRecord(callId, call.Name, rawArguments);

        JsonObject? arguments = null;
        string? problem = null;
        try
        {
            arguments = JsonNode.Parse(rawArguments) as JsonObject ?? new JsonObject();
        }
        catch (JsonException)
        {
            problem = $"Error validating tool '{call.Name}': Arguments: unparseable JSON";
        }

        if (!tools.TryGetValue(call.Name, out var tool))
        {
            problem = $"Tool '{call.Name}' not found. Available: [{string.Join(", ", tools.Keys.Order(StringComparer.Ordinal).Select(n => $"'{n}'"))}]";
        }

        string? summary = null;
        var risk = "UNKNOWN";
        if (arguments is not null)
        {
            if (arguments["summary"] is JsonValue s && s.TryGetValue<string>(out var sv))
            {
                summary = sv;
            }

            if (arguments["security_risk"] is JsonValue r && r.TryGetValue<string>(out var rv) && rv is "LOW" or "MEDIUM" or "HIGH")
            {
                risk = rv;
            }

            arguments.Remove("summary");
            arguments.Remove("security_risk");
            foreach (var key in arguments.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
            {
                arguments.Remove(key);
            }
        }

        JsonElement? action = null;
        var argumentElement = default(JsonElement);
        if (problem is null && tool is not null && arguments is not null)
        {
            argumentElement = JsonSerializer.SerializeToElement(arguments, OpenHandsJsonContext.Default.JsonNode);
            var payload = tool is McpTool ? new JsonObject { ["data"] = arguments.DeepClone() } : (JsonObject)arguments.DeepClone();
            payload["kind"] = tool is McpTool ? McpTool.ActionKind
                : tool.ObservationKind.EndsWith("Observation", StringComparison.Ordinal)
                ? tool.ObservationKind[..^"Observation".Length] + "Action" : tool.Name + "_action";
            action = JsonSerializer.SerializeToElement(payload, OpenHandsJsonContext.Default.JsonNode);
        }

        ActionEvent Draft(string securityRisk) => new()
        {
            Source = EventSource.Agent,
            Thought = _secrets.Mask(thought),
            ReasoningContent = reasoning is null ? null : _secrets.Mask(reasoning),
            Action = action,
            ToolName = call.Name,
            ToolCallId = callId,
            ToolCall = record,
            LlmResponseId = responseId,
            SecurityRisk = securityRisk,
            Summary = _secrets.Mask(summary ?? $"{call.Name}: {arguments?.ToJsonString() ?? "{}"}"),
        };

        // With an analyzer, the recorded risk is its rating (what the confirmation policy decides on); else the model's.
        var draft = Draft(risk);
        if (action is not null && _persistence.State.SecurityAnalyzer is { } analyzer)
        {
            draft = Draft(ControlStateCodec.RiskName(analyzer.Rate(draft, _persistence.State.WorkingDirectory)));
        }

        var actionEvent = (ActionEvent)_events.Emit(draft);

        if (problem is not null || tool is null)
        {
            _events.Emit(new AgentErrorEvent
            {
                Source = EventSource.Agent,
                ToolName = call.Name,
                ToolCallId = callId,
                Error = problem ?? $"Tool '{call.Name}' not found.",
            });
            return null;
        }

        return new PreparedAction(actionEvent, tool, argumentElement);
    }

    /// <summary>
    /// Runs a batch in order (nothing after the first <c>finish</c>); a successful <c>finish</c> ends the run. A new batch
    /// that the confirmation policy asks about does not run: the conversation waits for confirmation instead.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; the action that was running stays pending.</exception>
    public async Task ExecuteAsync(List<PreparedAction> batch, CancellationToken cancellationToken)
    {
        if (batch.Any(a => a.Fresh) && NeedsConfirmation(batch))
        {
            _persistence.SetStatus(ConversationExecutionStatus.WaitingForConfirmation);
            _logger.WaitingForConfirmation(_persistence.State.Id, batch.Count);
            return;
        }

        var finishIndex = batch.FindIndex(a => a.Tool.Name == AgentTools.FinishToolName);
        if (finishIndex >= 0 && finishIndex < batch.Count - 1)
        {
            batch = batch[..(finishIndex + 1)];
        }

        var results = new List<ConversationEvent>(batch.Count);
        foreach (var (action, tool, arguments, _) in batch)
        {
            using var span = StartToolSpan(action);
            var started = Stopwatch.GetTimestamp();
            string? errorType = null;
            try
            {
                var result = await tool.ExecuteAsync(new ToolCall(action.ToolCallId, action.ToolName, arguments), _context, cancellationToken).ConfigureAwait(false);
                if (result.IsError)
                {
                    errorType = "tool_error";
                    span?.SetTag(SdkTelemetry.ErrorType, errorType);
                    span?.SetStatus(ActivityStatusCode.Error, "the tool reported an error");
                }

                if (_llm.CaptureMessageContent)
                {
                    span?.SetTag("gen_ai.tool.call.result", _secrets.Mask(_llm.Redact(result.Text)));
                }

                results.Add(new ObservationEvent
                {
                    Source = EventSource.Environment,
                    ToolName = action.ToolName,
                    ToolCallId = action.ToolCallId,
                    ActionId = action.Id,
                    ObservationKind = tool.ObservationKind,
                    Text = _secrets.Mask(result.Text),
                    IsError = result.IsError,
                    ObservationFields = MaskFields(result.Fields),
                });
            }
            catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
            {
                errorType = ex.GetType().FullName;
                SdkTelemetry.Fail(span, ex);
                throw; // the action stays pending and runs first on the next run
            }
            catch (Exception ex)
            {
                errorType = ex.GetType().FullName;
                SdkTelemetry.Fail(span, ex);
                results.Add(new AgentErrorEvent
                {
                    Source = EventSource.Agent,
                    ToolName = action.ToolName,
                    ToolCallId = action.ToolCallId,
                    Error = _secrets.Mask($"Error executing tool '{action.ToolName}': {_llm.Redact(ex.Message)}"),
                });
            }
            finally
            {
                var tags = new TagList { { SdkTelemetry.OperationName, "execute_tool" }, { SdkTelemetry.ToolName, action.ToolName } };
                if (errorType is not null)
                {
                    tags.Add(SdkTelemetry.ErrorType, errorType);
                }

                SdkTelemetry.ToolDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            }
        }

        foreach (var e in results)
        {
            _events.Emit(e);
        }

        if (batch.Any(a => a.Tool.Name == AgentTools.FinishToolName)
            && results.OfType<ObservationEvent>().Any(o => o.ToolName == AgentTools.FinishToolName && !o.IsError))
        {
            _persistence.SetStatus(ConversationExecutionStatus.Finished);
        }
    }

    /// <summary>The GenAI <c>execute_tool</c> span of one tool call; arguments only when the factory opted in to content.</summary>
    private Activity? StartToolSpan(ActionEvent action)
    {
        var span = SdkTelemetry.Source.StartActivity("execute_tool " + action.ToolName, ActivityKind.Internal);
        span?.SetTag(SdkTelemetry.OperationName, "execute_tool");
        span?.SetTag(SdkTelemetry.ToolName, action.ToolName);
        span?.SetTag(SdkTelemetry.ToolCallId, action.ToolCallId);
        span?.SetTag(SdkTelemetry.ToolType, "function");
        if (span is not null && _llm.CaptureMessageContent)
        {
            span.SetTag("gen_ai.tool.call.arguments", _secrets.Mask(_llm.Redact(action.ToolCall?.Arguments ?? "{}")));
        }

        return span;
    }

    /// <summary>The Python rule: a lone <c>finish</c> or <c>think</c> never waits; otherwise any action the policy asks about.</summary>
    private bool NeedsConfirmation(List<PreparedAction> batch)
    {
        if (batch.Count == 0 || (batch.Count == 1 && batch[0].Tool.Name is AgentTools.FinishToolName or AgentTools.ThinkToolName))
        {
            return false;
        }

        var policy = _persistence.State.ConfirmationPolicy;
        return batch.Any(a => policy.ShouldConfirm(ControlStateCodec.ParseRisk(a.Action.SecurityRisk) ?? SecurityRisk.Unknown));
    }

    private ImmutableDictionary<string, JsonElement> MaskFields(ImmutableDictionary<string, JsonElement> fields)
    {
        var result = fields;
        foreach (var (name, value) in fields)
        {
            if (value.ValueKind == JsonValueKind.String && value.GetString() is { } text && _secrets.Mask(text) is var masked && masked != text)
            {
                result = result.SetItem(name, JsonSerializer.SerializeToElement(masked, OpenHandsJsonContext.Default.String));
            }
        }

        return result;
    }
}
