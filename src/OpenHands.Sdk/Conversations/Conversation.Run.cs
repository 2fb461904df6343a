using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Conversations;

/// <summary>The agent loop: steps, tool execution, events and state.</summary>
public sealed partial class Conversation
{
    private const string FinishToolName = "finish";
    private const string Nudge = "Your last response did not include a function call or a message. Please use a tool to proceed with the task.";

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureInitialized();
            if (_state.ExecutionStatus == ConversationExecutionStatus.Finished)
            {
                return; // send a message first
            }

            _pauseRequested = false;
            SetStatus(ConversationExecutionStatus.Running);
        }
        finally
        {
            _gate.Release();
        }

        var iterations = 0;
        try
        {
            while (true)
            {
                await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    if (_pauseRequested || cancellationToken.IsCancellationRequested)
                    {
                        _pauseRequested = false;
                        PauseLocked();
                        cancellationToken.ThrowIfCancellationRequested();
                        return;
                    }

                    if (_state.ExecutionStatus is ConversationExecutionStatus.Paused or ConversationExecutionStatus.Stuck or ConversationExecutionStatus.Finished)
                    {
                        return;
                    }

                    await StepAsync(cancellationToken).ConfigureAwait(false);
                    iterations++;
                    if (_state.ExecutionStatus == ConversationExecutionStatus.Finished)
                    {
                        return;
                    }

                    if (iterations >= _state.MaxIterations)
                    {
                        SetStatus(ConversationExecutionStatus.Error);
                        Emit(new ConversationErrorEvent
                        {
                            Source = EventSource.Environment,
                            Code = "MaxIterationsReached",
                            Detail = $"Agent reached maximum iterations limit ({_state.MaxIterations}).",
                        });
                        return;
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                if (_state.ExecutionStatus == ConversationExecutionStatus.Running)
                {
                    PauseLocked();
                }
            }
            finally
            {
                _gate.Release();
            }

            throw;
        }
        catch (Exception ex)
        {
            // Any failure other than the caller's own cancellation (handled above) ends the run in error.
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                SetStatus(ConversationExecutionStatus.Error);
                Emit(new ConversationErrorEvent
                {
                    Source = EventSource.Environment,
                    Code = ex.GetType().Name,
                    Detail = Redact(ex.Message),
                });
            }
            finally
            {
                _gate.Release();
            }

            throw new ConversationRunException(Id, ex);
        }
    }

    private void PauseLocked()
    {
        SetStatus(ConversationExecutionStatus.Paused);
        Emit(new PauseEvent { Source = EventSource.User });
    }

    /// <summary>One agent step: pending actions first, else one LLM call and what it asks for.</summary>
    private async Task StepAsync(CancellationToken cancellationToken)
    {
        var pending = PendingActions();
        if (pending.Count > 0)
        {
            await ExecuteBatchAsync(pending, cancellationToken).ConfigureAwait(false);
            return;
        }

        var tools = Tools();
        var llm = _agent.Llm;
        var client = ClientFor(llm);
        _declarations ??= [.. tools.Values.Select(t => (AITool)AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.ParametersSchema))];
        var chatOptions = new ChatOptions
        {
            Tools = _declarations,
            AdditionalProperties = new AdditionalPropertiesDictionary { ["openhands.session_id"] = Id.ToString() },
        };
        var response = await client.GetResponseAsync(MessageBuilder.Build(_log.Events), chatOptions, cancellationToken).ConfigureAwait(false);
        RecordUsage(llm, response);

        var responseId = response.ResponseId ?? "resp-" + Guid.NewGuid().ToString("N");
        var contents = response.Messages.Where(m => m.Role == ChatRole.Assistant).SelectMany(m => m.Contents).ToList();
        var text = string.Concat(contents.OfType<TextContent>().Select(t => t.Text));
        var reasoning = contents.OfType<TextReasoningContent>().Select(r => r.Text).FirstOrDefault(r => !string.IsNullOrEmpty(r));
        var calls = contents.OfType<FunctionCallContent>().ToList();

        if (calls.Count > 0)
        {
            var actions = new List<(ActionEvent Action, ITool Tool, JsonElement Arguments)>();
            for (var i = 0; i < calls.Count; i++)
            {
                var prepared = PrepareAction(calls[i], responseId, i == 0 ? text : string.Empty, i == 0 ? reasoning : null, tools);
                if (prepared is { } p)
                {
                    actions.Add(p);
                }
            }

            if (actions.Count > 0)
            {
                await ExecuteBatchAsync(actions, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        Emit(new MessageEvent
        {
            Source = EventSource.Agent,
            Role = "assistant",
            Text = text,
            ReasoningContent = reasoning,
            LlmResponseId = responseId,
        });

        if (!string.IsNullOrWhiteSpace(text))
        {
            SetStatus(ConversationExecutionStatus.Finished);
        }
        else
        {
            Emit(new MessageEvent { Source = EventSource.Environment, Role = "user", Text = Nudge });
        }
    }

    private (ActionEvent, ITool, JsonElement)? PrepareAction(
        FunctionCallContent call, string responseId, string thought, string? reasoning, Dictionary<string, ITool> tools)
    {
        var callId = string.IsNullOrEmpty(call.CallId) ? "call_" + Guid.NewGuid().ToString("N")[..12] : call.CallId;
        var rawArguments = call.RawRepresentation as string ?? JsonSerializer.Serialize(
            call.Arguments?.ToDictionary(kv => kv.Key, kv => kv.Value is JsonElement je ? je : JsonSerializer.SerializeToElement(kv.Value?.ToString(), ConversationJsonContext.Default.String))
            ?? [], ConversationJsonContext.Default.DictionaryStringJsonElement);
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
            argumentElement = JsonSerializer.SerializeToElement(arguments, Settings.Internal.SettingsJsonContext.Default.JsonNode);
            var payload = (JsonObject)arguments.DeepClone();
            payload["kind"] = tool.ObservationKind.EndsWith("Observation", StringComparison.Ordinal)
                ? tool.ObservationKind[..^"Observation".Length] + "Action" : tool.Name + "_action";
            action = JsonSerializer.SerializeToElement(payload, Settings.Internal.SettingsJsonContext.Default.JsonNode);
        }

        var actionEvent = (ActionEvent)Emit(new ActionEvent
        {
            Source = EventSource.Agent,
            Thought = thought,
            ReasoningContent = reasoning,
            Action = action,
            ToolName = call.Name,
            ToolCallId = callId,
            ToolCall = record,
            LlmResponseId = responseId,
            SecurityRisk = risk,
            Summary = summary ?? $"{call.Name}: {arguments?.ToJsonString() ?? "{}"}",
        });

        if (problem is not null || tool is null)
        {
            Emit(new AgentErrorEvent
            {
                Source = EventSource.Agent,
                ToolName = call.Name,
                ToolCallId = callId,
                Error = problem ?? $"Tool '{call.Name}' not found.",
            });
            return null;
        }

        return (actionEvent, tool, argumentElement);
    }

    private async Task ExecuteBatchAsync(List<(ActionEvent Action, ITool Tool, JsonElement Arguments)> batch, CancellationToken cancellationToken)
    {
        // Calls after the first 'finish' are not run: the task is over.
        var finishIndex = batch.FindIndex(a => a.Tool.Name == FinishToolName);
        if (finishIndex >= 0 && finishIndex < batch.Count - 1)
        {
            batch = batch[..(finishIndex + 1)];
        }

        var context = new ToolContext(_state.WorkingDirectory, Id)
        {
            LoggerFactory = _options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            TimeProvider = _time,
            LlmSwitcher = new Switcher(this),
        };
        var results = new List<ConversationEvent>(batch.Count);
        foreach (var (action, tool, arguments) in batch)
        {
            try
            {
                var result = await tool.ExecuteAsync(new ToolCall(action.ToolCallId, action.ToolName, arguments), context, cancellationToken).ConfigureAwait(false);
                results.Add(new ObservationEvent
                {
                    Source = EventSource.Environment,
                    ToolName = action.ToolName,
                    ToolCallId = action.ToolCallId,
                    ActionId = action.Id,
                    ObservationKind = tool.ObservationKind,
                    Text = result.Text,
                    IsError = result.IsError,
                    ObservationFields = result.Fields,
                });
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw; // the action stays pending and runs first on the next run
            }
            catch (Exception ex)
            {
                results.Add(new AgentErrorEvent
                {
                    Source = EventSource.Agent,
                    ToolName = action.ToolName,
                    ToolCallId = action.ToolCallId,
                    Error = $"Error executing tool '{action.ToolName}': {Redact(ex.Message)}",
                });
            }
        }

        foreach (var e in results)
        {
            Emit(e);
        }

        if (batch.Any(a => a.Tool.Name == FinishToolName) && results.OfType<ObservationEvent>().Any(o => o.ToolName == FinishToolName && !o.IsError))
        {
            SetStatus(ConversationExecutionStatus.Finished);
        }
    }

    /// <summary>Executable actions without an observation or error: run before anything else (crash recovery, resume).</summary>
    private List<(ActionEvent, ITool, JsonElement)> PendingActions()
    {
        var answered = new HashSet<string>(StringComparer.Ordinal);
        var failedCalls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in _log.Events)
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

        var tools = Tools();
        var pending = new List<(ActionEvent, ITool, JsonElement)>();
        foreach (var action in _log.Events.OfType<ActionEvent>())
        {
            if (action.Action is not { } payload || answered.Contains(action.Id) || failedCalls.Contains(action.ToolCallId)
                || !tools.TryGetValue(action.ToolName, out var tool))
            {
                continue;
            }

            var arguments = JsonNode.Parse(payload.GetRawText())!.AsObject();
            arguments.Remove("kind");
            pending.Add((action, tool, JsonSerializer.SerializeToElement(arguments, Settings.Internal.SettingsJsonContext.Default.JsonNode)));
        }

        return pending;
    }

    private void EnsureInitialized()
    {
        var tools = Tools();
        if (_log.Events.Take(3).OfType<SystemPromptEvent>().Any())
        {
            return;
        }

        var definitions = tools.Values.Select(t =>
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("name", t.Name);
                w.WriteString("description", t.Description);
                w.WritePropertyName("parameters");
                t.ParametersSchema.WriteTo(w);
                w.WriteString("kind", t.GetType().Name);
                w.WriteEndObject();
            }

            return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
        });
        Emit(new SystemPromptEvent
        {
            Source = EventSource.Agent,
            SystemPrompt = _agent.SystemPrompt ?? SystemPrompt.Build(_state.WorkingDirectory, _agent.SystemMessageSuffix),
            Tools = [.. definitions],
        });
    }

    /// <summary>The agent's tools by name: the built-ins, then the agent's specs through the registry.</summary>
    private Dictionary<string, ITool> Tools()
    {
        if (_tools is not null)
        {
            return _tools;
        }

        var specs = new List<ToolSpec> { new("finish"), new("think") };
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

        return _tools = tools;
    }

    private IChatClient ClientFor(Llm llm)
    {
        if (!_clients.TryGetValue(llm, out var client))
        {
            client = _clientFactory(llm);
            _clients[llm] = client;
        }

        return client;
    }

    private void RecordUsage(Llm llm, ChatResponse response)
    {
        var usageId = _state.LlmProfile is { } p ? "profile:" + p.Name.Value : llm.UsageId;
        var previous = _state.Metrics.TryGetValue(usageId, out var m) ? m : LlmUsageMetrics.Empty(llm.Model);
        var usage = response.Usage;
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        var reasoning = usage?.AdditionalCounts is { } counts && counts.TryGetValue("reasoning_tokens", out var r) ? r : 0;
        var cost = response.AdditionalProperties?.TryGetValue("cost", out var c) == true && c is double d ? d : 0;
        _state = _state with
        {
            Metrics = _state.Metrics.SetItem(usageId, previous with
            {
                ModelName = llm.Model,
                AccumulatedCost = previous.AccumulatedCost + cost,
                PromptTokens = previous.PromptTokens + input,
                CompletionTokens = previous.CompletionTokens + output,
                CacheReadTokens = previous.CacheReadTokens + (usage?.CachedInputTokenCount ?? 0),
                ReasoningTokens = previous.ReasoningTokens + reasoning,
                PerTurnToken = input + output,
                Calls = previous.Calls + 1,
            }),
        };
        SaveState();
    }

    private async Task SwitchProfileCoreAsync(ProfileName name, CancellationToken cancellationToken)
    {
        var store = _store ?? throw new InvalidOperationException("This conversation has no profile store to switch profiles with; set ConversationOptions.ProfileStore.");
        var llm = await store.LoadAsync(name, cancellationToken).ConfigureAwait(false);
        ApplyLlm(llm, new ProfileReference(name));
        Emit(ProfileEvent(_state.LlmProfile, llm.Model, null));
    }

    private void ApplyLlm(Llm llm, ProfileReference? reference)
    {
        _agent = _agent with { Llm = llm };
        _state = _state with { LlmProfile = reference, LlmSnapshot = ConversationStateCodec.Snapshot(llm) };
        SaveState();
    }

    private static ConversationStateUpdateEvent ProfileEvent(ProfileReference? profile, string model, string? fallbackReason)
    {
        var value = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["profile"] = profile is null ? JsonDocument.Parse("null").RootElement.Clone() : JsonSerializer.SerializeToElement(profile.Name.Value, ConversationJsonContext.Default.String),
            ["model"] = JsonSerializer.SerializeToElement(model, ConversationJsonContext.Default.String),
        };
        if (fallbackReason is not null)
        {
            value["fallback"] = JsonSerializer.SerializeToElement(true, ConversationJsonContext.Default.Boolean);
            value["reason"] = JsonSerializer.SerializeToElement(fallbackReason, ConversationJsonContext.Default.String);
        }

        return new ConversationStateUpdateEvent
        {
            Source = EventSource.Environment,
            Key = ConversationStateUpdateEvent.LlmProfileKey,
            Value = JsonSerializer.SerializeToElement(value, ConversationJsonContext.Default.DictionaryStringJsonElement),
        };
    }

    /// <summary>Stamps, persists, then publishes an event. Callers hold the gate.</summary>
    private ConversationEvent Emit(ConversationEvent e)
    {
        var last = _log.Events.Count > 0 ? _log.Events[^1] : null;
        var stamped = e.Stamped(_time.GetUtcNow(), last?.Id);
        lock (_subscribers)
        {
            _log.Append(stamped);
            foreach (var channel in _subscribers)
            {
                channel.Writer.TryWrite(stamped);
            }
        }

        foreach (var callback in _options.Callbacks)
        {
            try
            {
                callback(stamped);
            }
#pragma warning disable CA1031 // A failing callback must not affect the conversation or other callbacks.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.CallbackFailed(Id, stamped.Kind, ex);
            }
        }

        return stamped;
    }

    private void SetStatus(ConversationExecutionStatus status)
    {
        if (_state.ExecutionStatus != status)
        {
            _state = _state with { ExecutionStatus = status };
            SaveState();
        }
    }

    private void SaveState()
    {
        if (_directory is null)
        {
            return;
        }

        AtomicFile.EnsureDirectory(_directory);
        AtomicFile.Write(Path.Combine(_directory, StateFileName), ConversationStateCodec.Write(_state, _directory), flushToDisk: false);
    }

    /// <summary>Removes the live LLM's secret values from a text before it is logged or persisted.</summary>
    private string Redact(string text)
    {
        foreach (var secret in new[] { _agent.Llm.ApiKey, _agent.Llm.AwsAccessKeyId, _agent.Llm.AwsSecretAccessKey, _agent.Llm.AwsSessionToken })
        {
            if (secret is not null)
            {
                text = text.Replace(secret.Reveal(), Security.SecretString.Redacted, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>Gives tools (switch_llm) a way to switch while the run holds the gate.</summary>
    private sealed class Switcher(Conversation conversation) : ILlmSwitcher
    {
        public async Task<IReadOnlyList<ProfileName>> ListProfilesAsync(CancellationToken cancellationToken = default) =>
            conversation._store is null ? [] : await conversation._store.ListAsync(cancellationToken).ConfigureAwait(false);

        public Task SwitchProfileAsync(ProfileName name, CancellationToken cancellationToken = default) =>
            conversation.SwitchProfileCoreAsync(name, cancellationToken);
    }
}
