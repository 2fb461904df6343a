using Microsoft.Extensions.AI;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// One agent step: pending actions first; else one LLM call and what it asks for (tool calls, or a reply that ends the
/// run, or a nudge when the reply has neither text nor a tool call). Usage is counted after every call.
/// </summary>
/// <remarks>Called under the conversation's gate.</remarks>
internal sealed class AgentStep
{
    private const string Nudge = "Your last response did not include a function call or a message. Please use a tool to proceed with the task.";

    private readonly Guid _conversationId;
    private readonly AgentTools _tools;
    private readonly ActionRunner _actions;
    private readonly EventStream _events;
    private readonly ConversationPersistence _persistence;
    private readonly LlmBinding _llm;
    private readonly RunInterruption _interruption;

    public AgentStep(
        Guid conversationId, AgentTools tools, ActionRunner actions, EventStream events, ConversationPersistence persistence, LlmBinding llm, RunInterruption interruption)
    {
        _interruption = interruption;
        _conversationId = conversationId;
        _tools = tools;
        _actions = actions;
        _events = events;
        _persistence = persistence;
        _llm = llm;
    }

    /// <summary>Emits the system prompt unless the conversation already has one.</summary>
    public void EnsureInitialized()
    {
        if (_tools.SystemPromptIfMissing(_events.Logged, _persistence.State.WorkingDirectory) is { } prompt)
        {
            _events.Emit(prompt);
        }
    }

    /// <summary>Runs the step; an interrupt (the LLM call or a tool cancelled mid-way) is recorded before it propagates.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_interruption.IsRequested)
        {
            _interruption.RecordLocked();
            throw;
        }
    }

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        var pending = _tools.Pending(_events.Logged);
        if (pending.Count > 0)
        {
            await _actions.ExecuteAsync(pending, cancellationToken).ConfigureAwait(false);
            return;
        }

        var llm = _llm.Agent.Llm;
        var chatOptions = new ChatOptions
        {
            Tools = _tools.Declarations,
            AdditionalProperties = new AdditionalPropertiesDictionary { ["openhands.session_id"] = _conversationId.ToString() },
        };
        var response = await _llm.CompleteAsync(MessageBuilder.Build(_events.Logged), chatOptions, cancellationToken).ConfigureAwait(false);
        RecordUsage(llm, response);

        var responseId = response.ResponseId ?? "resp-" + Guid.NewGuid().ToString("N");
        var contents = response.Messages.Where(m => m.Role == ChatRole.Assistant).SelectMany(m => m.Contents).ToList();
        var text = string.Concat(contents.OfType<TextContent>().Select(t => t.Text));
        var reasoning = contents.OfType<TextReasoningContent>().Select(r => r.Text).FirstOrDefault(r => !string.IsNullOrEmpty(r));
        var calls = contents.OfType<FunctionCallContent>().ToList();

        if (calls.Count > 0)
        {
            var actions = new List<PreparedAction>();
            for (var i = 0; i < calls.Count; i++)
            {
                if (_actions.Prepare(calls[i], responseId, i == 0 ? text : string.Empty, i == 0 ? reasoning : null) is { } prepared)
                {
                    actions.Add(prepared);
                }
            }

            if (actions.Count > 0)
            {
                await _actions.ExecuteAsync(actions, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        _events.Emit(new MessageEvent
        {
            Source = EventSource.Agent,
            Role = "assistant",
            Text = text,
            ReasoningContent = reasoning,
            LlmResponseId = responseId,
        });

        if (!string.IsNullOrWhiteSpace(text))
        {
            _persistence.SetStatus(ConversationExecutionStatus.Finished);
        }
        else
        {
            _events.Emit(new MessageEvent { Source = EventSource.Environment, Role = "user", Text = Nudge });
        }
    }

    private void RecordUsage(Llm llm, ChatResponse response)
    {
        var state = _persistence.State;
        UsageRecorder.Record(_persistence, state.LlmProfile is { } p ? "profile:" + p.Name.Value : llm.UsageId, llm, response);
    }
}
