using Microsoft.Extensions.AI;
using OpenHands.Sdk.Agents.Security;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Conversations;

/// <summary>Confirmation, secrets, condensation, side questions and forks.</summary>
public sealed partial class Conversation
{
    /// <summary>Gets where the secrets given to the tools are kept: encrypted in the state, or in memory only.</summary>
    public SecretStorage SecretStorage => _persistence.IsPersisted && _secrets.CanPersist ? SecretStorage.Encrypted : SecretStorage.MemoryOnly;

    /// <summary>
    /// Gets the actions that were asked for and have not run yet, oldest first: while the conversation is
    /// <see cref="ConversationExecutionStatus.WaitingForConfirmation"/>, the ones waiting for it.
    /// </summary>
    public IReadOnlyList<ActionEvent> PendingActions => AgentTools.Unanswered(_events.Snapshot());

    /// <summary>Sets which actions wait for confirmation; persisted, and used from the next batch of actions on.</summary>
    /// <param name="policy">The policy, for example <c>new ConfirmRisky { Threshold = SecurityRisk.Medium }</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the policy is persisted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is <see langword="null"/>.</exception>
    public Task SetConfirmationPolicyAsync(ConfirmationPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return UnderGateAsync(() => _persistence.Update(State with { ConfirmationPolicy = policy }), cancellationToken);
    }

    /// <summary>Sets the analyzer that rates each action's risk (for <see cref="ConfirmRisky"/>); persisted by its kind.</summary>
    /// <param name="analyzer">The analyzer, for example <see cref="PatternSecurityAnalyzer"/>; <see langword="null"/> for none (every risk is unknown).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the analyzer is persisted.</returns>
    public Task SetSecurityAnalyzerAsync(ISecurityAnalyzer? analyzer, CancellationToken cancellationToken = default) =>
        UnderGateAsync(() => _persistence.Update(State with { SecurityAnalyzer = analyzer, UnknownSecurityAnalyzer = null }), cancellationToken);

    /// <summary>
    /// Rejects the pending actions: none of them runs, each gets a <see cref="UserRejectObservationEvent"/> with the reason
    /// (which the model sees), and a conversation waiting for confirmation becomes idle. To accept them instead, call
    /// <see cref="RunAsync"/>: the pending actions run first.
    /// </summary>
    /// <param name="reason">Why; <see langword="null"/> for <c>User rejected the action</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The rejections, one per action (empty when nothing was pending).</returns>
    /// <exception cref="InvalidOperationException">A run is in progress.</exception>
    public async Task<IReadOnlyList<UserRejectObservationEvent>> RejectPendingActionsAsync(string? reason = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var rejections = new List<UserRejectObservationEvent>();
        await UnderGateAsync(
            () =>
            {
                if (State.ExecutionStatus == ConversationExecutionStatus.Running)
                {
                    throw new InvalidOperationException($"Conversation {Id} is running; pending actions can be rejected only while it waits. Fix: pause it first.");
                }

                foreach (var action in AgentTools.Unanswered(_events.Logged))
                {
                    rejections.Add((UserRejectObservationEvent)_events.Emit(new UserRejectObservationEvent
                    {
                        Source = EventSource.User,
                        ToolName = action.ToolName,
                        ToolCallId = action.ToolCallId,
                        ActionId = action.Id,
                        RejectionReason = string.IsNullOrWhiteSpace(reason) ? UserRejectObservationEvent.DefaultReason : reason,
                    }));
                }

                if (State.ExecutionStatus == ConversationExecutionStatus.WaitingForConfirmation)
                {
                    _persistence.SetStatus(ConversationExecutionStatus.Idle);
                }
            },
            cancellationToken).ConfigureAwait(false);
        return rejections;
    }

    /// <summary>
    /// Adds or replaces secrets for the tools: the terminal gets each as an environment variable when a command names
    /// it, and its value is masked as <c>&lt;secret-hidden&gt;</c> in every observation and event.
    /// </summary>
    /// <param name="secrets">The secrets by variable name (letters, digits and <c>_</c>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Where they are kept: <see cref="SecretStorage.Encrypted"/> in the state, or <see cref="SecretStorage.MemoryOnly"/> (no cipher, or not persisted).</returns>
    /// <exception cref="ArgumentException">A name is not a variable name, or a value is missing; nothing changed.</exception>
    public async Task<SecretStorage> UpdateSecretsAsync(IReadOnlyDictionary<string, SecretString> secrets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        await UnderGateAsync(() => _persistence.Update(State with { Secrets = _secrets.Add(State.Secrets, secrets) }), cancellationToken).ConfigureAwait(false);
        return SecretStorage;
    }

    /// <summary>
    /// Condenses the history now (what <c>POST …/condense</c> does): a <see cref="CondensationRequestEvent"/>, then a
    /// <see cref="CondensationEvent"/> written by the condenser's profile. Waits for a running step to finish.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a condensation was recorded; <see langword="false"/> when the history is too short to condense.</returns>
    /// <exception cref="InvalidOperationException">The agent has no condenser.</exception>
    /// <exception cref="LlmException">The summarizing call failed; the request stays, and the next run condenses first.</exception>
    public async Task<bool> CondenseAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var condenser = _condenser ?? throw new InvalidOperationException(
            "This conversation's agent has no condenser. Fix: start it with Agent.Condenser = new LlmSummarizingCondenser { Profile = ... }.");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _events.Emit(new CondensationRequestEvent { Source = EventSource.Environment });
            return await condenser.CondenseAsync(_events.Logged, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Asks the agent's LLM a side question about the conversation (what <c>POST …/ask_agent</c> does): the history is
    /// sent with the question, and the answer is returned. Nothing is recorded: no event, no state change, no usage.
    /// </summary>
    /// <param name="question">The question.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer text.</returns>
    /// <exception cref="ArgumentException"><paramref name="question"/> is empty.</exception>
    /// <exception cref="LlmException">The LLM call failed, or the reply had no text.</exception>
    /// <remarks>Safe to call while a run is in progress: it reads a snapshot of the events.</remarks>
    public async Task<string> AskAgentAsync(string question, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _tools.PrepareAsync(cancellationToken).ConfigureAwait(false);
        var messages = MessageBuilder.Build(_events.Snapshot());
        messages.Add(new ChatMessage(ChatRole.User,
            "Answer this question about the conversation so far, from what you know of it, directly and briefly. Do not call tools; "
            + "this question and your answer are not part of the task.\n\nQuestion: " + question));
        var llm = _llm.Agent.Llm;
        var response = await _llm.ClientFor(llm).GetResponseAsync(
            messages,
            new ChatOptions { Tools = _tools.Declarations, ToolMode = ChatToolMode.None },
            cancellationToken).ConfigureAwait(false);
        var answer = response.Text;
        return string.IsNullOrWhiteSpace(answer)
            ? throw new LlmNoResponseException("The LLM answered the side question without any text. Ask again, or rephrase the question.", llm.Model, null)
            : _secrets.Mask(answer);
    }

    /// <summary>
    /// Starts a new conversation with a copy of this one's history and state (what <c>POST …/fork</c> does): the same
    /// profile reference, tools, policies and secrets, a new id, status idle and fresh usage. This conversation is not changed.
    /// </summary>
    /// <param name="conversationId">The fork's id; <see langword="null"/> draws a new one.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The fork, persisted next to this conversation when this one is persisted.</returns>
    /// <exception cref="InvalidOperationException">A conversation with <paramref name="conversationId"/> already exists.</exception>
    public Task<Conversation> ForkAsync(Guid? conversationId = null, CancellationToken cancellationToken = default) =>
        ForkAsync(conversationId, fromEventId: null, cancellationToken);

    /// <summary>Forks with the history up to and including <paramref name="fromEventId"/> (all of it when <see langword="null"/>).</summary>
    /// <param name="conversationId">The fork's id; <see langword="null"/> draws a new one.</param>
    /// <param name="fromEventId">The last event the fork keeps; <see langword="null"/> keeps the whole history.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The fork, persisted next to this conversation when this one is persisted.</returns>
    /// <exception cref="KeyNotFoundException">No event has the id <paramref name="fromEventId"/>; nothing was written.</exception>
    /// <exception cref="InvalidOperationException">A conversation with <paramref name="conversationId"/> already exists.</exception>
    public async Task<Conversation> ForkAsync(Guid? conversationId, string? fromEventId, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            IReadOnlyList<ConversationEvent> events = _events.Snapshot();
            if (fromEventId is not null)
            {
                var index = events.Select((e, i) => (e, i)).FirstOrDefault(p => p.e.Id == fromEventId, (null!, -1)).Item2;
                events = index >= 0 ? [.. events.Take(index + 1)] : throw new KeyNotFoundException($"Event {fromEventId} is not in conversation {Id}. Fix: fork from an id of one of its events.");
            }

            return await _services.ForkAsync(State, events, _llm.Agent, _secrets.Values, conversationId ?? Guid.NewGuid(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The condenser's LLM: its own profile, else the agent's profile, resolved fresh through the factory's resolver (no
    /// key is copied); the agent's live LLM when there is no profile to resolve.
    /// </summary>
    private async Task<Llm> ResolveCondenserLlmAsync(CancellationToken cancellationToken)
    {
        var own = _llm.Agent.Condenser?.Profile;
        var reference = own ?? State.LlmProfile;
        if (reference is null || (own is null && _services.Resolver is null))
        {
            return _llm.Agent.Llm;
        }

        var resolver = _services.Resolver ?? throw new InvalidOperationException(
            $"The condenser's profile '{reference}' cannot be resolved: this conversation's factory has no profile store. Fix: set ConversationFactoryOptions.ProfileStore.");
        return await resolver.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the secrets a start was given (before the state is first written).</summary>
    internal void AddStartSecrets(IReadOnlyDictionary<string, SecretString> secrets)
    {
        if (secrets.Count > 0)
        {
            _persistence.Update(State with { Secrets = _secrets.Add(State.Secrets, secrets) });
        }
    }

    private async Task UnderGateAsync(Action action, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            action();
        }
        finally
        {
            _gate.Release();
        }
    }
}
