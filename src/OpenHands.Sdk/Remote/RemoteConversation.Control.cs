using OpenHands.Sdk.Agents.Security;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Remote.Internal;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Wire;

namespace OpenHands.Sdk.Remote;

/// <summary>The twins of the local conversation's control methods: interrupt, confirmation, secrets, condensation, side questions, forks.</summary>
public sealed partial class RemoteConversation
{
    /// <summary>Interrupts a run at once, as the local <see cref="Conversation.InterruptAsync"/> does: the LLM call and tool in flight are cancelled and the conversation is left paused.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has interrupted the run (or paused an idle conversation).</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task InterruptAsync(CancellationToken cancellationToken = default) =>
        await Client.SendAsync(ForConversation(RemoteRequest.Post($"{Path}/interrupt", idempotent: true)), cancellationToken).ConfigureAwait(false);

    /// <summary>Sets which actions wait for confirmation, as the local <see cref="Conversation.SetConfirmationPolicyAsync"/> does.</summary>
    /// <param name="policy">The policy, for example <c>new ConfirmRisky { Threshold = SecurityRisk.Medium }</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has persisted the policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is <see langword="null"/>.</exception>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task SetConfirmationPolicyAsync(ConfirmationPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var body = new ConfirmationPolicyRequest { Policy = ControlStateCodec.WritePolicy(policy) };
        await Client.SendAsync(
            ForConversation(RemoteRequest.With(HttpMethod.Post, $"{Path}/confirmation_policy", body, OpenHandsJson.Redacted.Contract<ConfirmationPolicyRequest>(), idempotent: true)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the analyzer that rates each action's risk, by its kind, as the local <see cref="Conversation.SetSecurityAnalyzerAsync"/> does.</summary>
    /// <param name="analyzer">The analyzer (the server must know its kind, e.g. <see cref="PatternSecurityAnalyzer"/>); <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has persisted the analyzer.</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerValidationException">The server does not know the analyzer's kind.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task SetSecurityAnalyzerAsync(ISecurityAnalyzer? analyzer, CancellationToken cancellationToken = default)
    {
        var body = new SecurityAnalyzerRequest { SecurityAnalyzer = analyzer is null ? null : new EventKindDocument { Kind = analyzer.Kind } };
        await Client.SendAsync(
            ForConversation(RemoteRequest.With(HttpMethod.Post, $"{Path}/security_analyzer", body, OpenHandsJson.Redacted.Contract<SecurityAnalyzerRequest>(), idempotent: true)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers a conversation that waits for confirmation (<c>POST …/events/respond_to_confirmation</c>): accepting runs
    /// the pending actions (the run continues in the background; see <see cref="RunAsync"/> to wait for it), rejecting
    /// answers each with <paramref name="reason"/> and runs none, as the local <see cref="Conversation.RejectPendingActionsAsync"/> does.
    /// </summary>
    /// <param name="accept">Whether to run the pending actions.</param>
    /// <param name="reason">Why they are rejected; <see langword="null"/> for the default reason.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has recorded the answer.</returns>
    /// <remarks>Sent once: a repeated reject would record the rejection twice.</remarks>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerConflictException">Rejecting while a run is in progress.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task RespondToConfirmationAsync(bool accept, string? reason = null, CancellationToken cancellationToken = default)
    {
        var body = new ConfirmationResponseRequest { Accept = accept, Reason = reason };
        await Client.SendAsync(
            ForConversation(RemoteRequest.With(HttpMethod.Post, $"{Path}/events/respond_to_confirmation", body, OpenHandsJson.Redacted.Contract<ConfirmationResponseRequest>(), idempotent: false)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rejects the pending actions with a reason, as the local <see cref="Conversation.RejectPendingActionsAsync"/> does: none of them runs.</summary>
    /// <param name="reason">Why (the model sees it); <see langword="null"/> for the default reason.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has recorded the rejections.</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerConflictException">A run is in progress.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public Task RejectPendingActionsAsync(string? reason = null, CancellationToken cancellationToken = default) =>
        RespondToConfirmationAsync(accept: false, reason, cancellationToken);

    /// <summary>
    /// Adds or replaces secrets for the tools, as the local <see cref="Conversation.UpdateSecretsAsync"/> does: the
    /// terminal sees each as an environment variable, and its value is masked as <c>&lt;secret-hidden&gt;</c> in every event.
    /// </summary>
    /// <param name="secrets">The secrets by variable name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has the secrets.</returns>
    /// <remarks>The values travel to the server (that is the point) and are removed from any error message.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="secrets"/> is <see langword="null"/>.</exception>
    /// <exception cref="AgentServerValidationException">A name is not a variable name; nothing changed.</exception>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task UpdateSecretsAsync(IReadOnlyDictionary<string, SecretString> secrets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var body = new UpdateSecretsRequest
        {
            Secrets = secrets.ToDictionary(s => s.Key, s => (SecretInput?)new SecretInput { Value = s.Value?.Reveal(), Kind = "StaticSecret" }, StringComparer.Ordinal),
        };
        var request = RemoteRequest.With(HttpMethod.Post, $"{Path}/secrets", body, OpenHandsJson.Redacted.Contract<UpdateSecretsRequest>(), idempotent: true)
            with { Secrets = [.. secrets.Values] };
        await Client.SendAsync(ForConversation(request), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Condenses the history now, as the local <see cref="Conversation.CondenseAsync"/> does (the agent needs a condenser).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has condensed (or found the history too short to).</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerConflictException">The agent has no condenser.</exception>
    /// <exception cref="AgentServerException">The summarizing call failed (HTTP 502), or the server refused the request or could not be reached.</exception>
    public async Task CondenseAsync(CancellationToken cancellationToken = default) =>
        await Client.SendAsync(ForConversation(RemoteRequest.Post($"{Path}/condense", idempotent: false)), cancellationToken).ConfigureAwait(false);

    /// <summary>Asks the agent's LLM a side question about the conversation, as the local <see cref="Conversation.AskAgentAsync"/> does: nothing is recorded.</summary>
    /// <param name="question">The question.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="ArgumentException"><paramref name="question"/> is empty.</exception>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The LLM call failed (HTTP 502), or the server refused the request or could not be reached.</exception>
    public async Task<string> AskAgentAsync(string question, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        var request = RemoteRequest.With(HttpMethod.Post, $"{Path}/ask_agent", new AskAgentRequest { Question = question }, OpenHandsJson.Redacted.Contract<AskAgentRequest>(), idempotent: true);
        return (await Client.SendAsync(ForConversation(request), OpenHandsJson.Redacted.Contract<AgentResponse>(), cancellationToken).ConfigureAwait(false)).Response;
    }

    /// <summary>Reads the agent's answer to the latest user message (<c>GET …/agent_final_response</c>), as <see cref="ConversationResult.FinalAnswer"/>.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer; <see langword="null"/> when the agent has not answered (yet).</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<string?> GetFinalResponseAsync(CancellationToken cancellationToken = default)
    {
        var response = await Client.SendAsync(ForConversation(RemoteRequest.Get($"{Path}/agent_final_response")), OpenHandsJson.Redacted.Contract<AgentResponse>(), cancellationToken)
            .ConfigureAwait(false);
        return string.IsNullOrEmpty(response.Response) ? null : response.Response;
    }

    /// <summary>
    /// Starts a new conversation on the server with a copy of this one's history, as the local
    /// <see cref="Conversation.ForkAsync(Guid?, CancellationToken)"/> does: the same profile reference, tools, policies and secrets, fresh usage.
    /// </summary>
    /// <param name="conversationId">The fork's id; <see langword="null"/> lets the server draw one.</param>
    /// <param name="fromEventId">The last event to copy; <see langword="null"/> for the whole history.</param>
    /// <param name="title">The fork's title; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The fork.</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation, or no event <paramref name="fromEventId"/>.</exception>
    /// <exception cref="AgentServerConflictException">A conversation with <paramref name="conversationId"/> exists.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteConversation> ForkAsync(Guid? conversationId = null, string? fromEventId = null, string? title = null, CancellationToken cancellationToken = default)
    {
        var body = new ForkConversationRequest { Id = conversationId?.ToString(), FromEventId = fromEventId, Title = title };
        var request = RemoteRequest.With(HttpMethod.Post, $"{Path}/fork", body, OpenHandsJson.Redacted.Contract<ForkConversationRequest>(), idempotent: false);
        var info = await Client.SendAsync(ForConversation(request), OpenHandsJson.Redacted.Contract<ConversationInfo>(), cancellationToken).ConfigureAwait(false);
        return new RemoteConversation(Workspace, ReadState(info, request.Path).Id);
    }
}
