using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Clients.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// Which LLM a conversation runs on: the live agent (its LLM with the key), the profile reference kept in the state,
/// one chat client per LLM, and the switches between them, resolved through the factory's one
/// <see cref="ProfileResolver"/>. Nothing here writes a profile, except the obsolete raw switch through the materializer.
/// </summary>
/// <remarks>Changes are made under the conversation's gate; <see cref="Agent"/> may be read from any thread.</remarks>
internal sealed class LlmBinding : ILlmSwitcher, IDisposable
{
    // By value: a fallback profile resolved afresh for each call reuses its client while its content is unchanged.
    private readonly Dictionary<Llm, IChatClient> _clients = [];
    private readonly ConversationFactory _services;
    private readonly ConversationPersistence _persistence;
    private readonly EventStream _events;
    private readonly ILogger _logger;
    private Agent _agent;

    public LlmBinding(Agent agent, ConversationFactory services, ConversationPersistence persistence, EventStream events)
    {
        _agent = agent;
        _logger = services.LoggerFactory.CreateLogger<LlmBinding>();
        _services = services;
        _persistence = persistence;
        _events = events;
    }

    /// <summary>Gets a value indicating whether telemetry may carry message content (the factory's opt-in).</summary>
    public bool CaptureMessageContent => _services.CaptureMessageContent;

    /// <summary>Gets the agent as it runs now (its LLM is the live one, with its key).</summary>
    public Agent Agent => Volatile.Read(ref _agent);

    /// <summary>The chat client of <paramref name="llm"/>, created on first use and kept until disposal.</summary>
    public IChatClient ClientFor(Llm llm)
    {
        if (!_clients.TryGetValue(llm, out var client))
        {
            // Every LLM call of the conversation (steps, fallbacks, condensation) gets its span and metrics here.
            client = new TelemetryChatClient(_services.ChatClientFactory(llm), llm, _services.CaptureMessageContent);
            _clients[llm] = client;
        }

        return client;
    }

    /// <summary>
    /// One LLM call of an agent step on the live agent's LLM. A streaming LLM (<see cref="Llm.Stream"/>) publishes each
    /// text and reasoning piece as a <see cref="StreamingDeltaEvent"/> as it arrives; the reply is then assembled from the
    /// updates, so the step records the same events as for a whole reply.
    /// </summary>
    /// <remarks>
    /// When the call fails with a provider outage after the LLM's own retries and the LLM lists
    /// <see cref="Llm.FallbackProfiles"/>, each is resolved through the resolver (its own key) and tried in order; each try
    /// is announced with an <c>llm_fallback</c> state update naming both profiles. When every fallback fails, the first
    /// failure is thrown. The conversation's profile reference never changes.
    /// </remarks>
    public async Task<ChatResponse> CompleteAsync(IList<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken)
    {
        var primary = Agent.Llm;
        try
        {
            return await CallAsync(primary, messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (LlmException failure) when (TriggersFallback(failure) && !primary.FallbackProfiles.IsEmpty && !cancellationToken.IsCancellationRequested)
        {
            if (await FallBackAsync(primary, failure, messages, options, cancellationToken).ConfigureAwait(false) is { } answer)
            {
                return answer;
            }

            throw;
        }
    }

    /// <summary>The failures a fallback answers, as in the Python SDK: rate limits, outages, timeouts and empty replies.</summary>
    internal static bool TriggersFallback(LlmException failure) =>
        failure is LlmRateLimitException or LlmServiceUnavailableException or LlmTimeoutException or LlmNoResponseException;

    private async Task<ChatResponse?> FallBackAsync(Llm primary, LlmException failure, IList<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken)
    {
        var names = primary.FallbackProfiles;
        var reason = $"{failure.GetType().Name}: {failure.Message}";
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            if (_services.Resolver is not { } resolver)
            {
                _logger.LlmFallbackFailed(name.Value, "this conversation has no profile store to resolve it from.");
                return null;
            }

            Llm fallback;
            try
            {
                fallback = await resolver.ResolveAsync(new ProfileReference(name), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ProfileNotFoundException or InvalidProfileException or SecretDecryptionException)
            {
                _logger.LlmFallbackFailed(name.Value, ex.Message);
                continue;
            }

            _logger.LlmFallingBack(primary.Model, failure.GetType().Name, name.Value, i + 1, names.Length);
            _events.Emit(FallbackEvent(primary, name, fallback.Model, Redact(reason)));
            try
            {
                return await CallAsync(fallback, messages, options, cancellationToken).ConfigureAwait(false);
            }
            catch (LlmException ex) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LlmFallbackFailed(name.Value, ex.Message);
            }
        }

        return null;
    }

    private ConversationStateUpdateEvent FallbackEvent(Llm primary, ProfileName fallback, string model, string reason) => new()
    {
        Source = EventSource.Environment,
        Key = ConversationStateUpdateEvent.LlmFallbackKey,
        Value = JsonSerializer.SerializeToElement(
            new LlmFallbackUpdate(_persistence.State.LlmProfile?.Name.Value ?? primary.SourceProfile?.Value, primary.Model, fallback.Value, model, reason),
            OpenHandsJsonContext.Default.LlmFallbackUpdate),
    };

    private async Task<ChatResponse> CallAsync(Llm llm, IList<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken)
    {
        var client = ClientFor(llm);
        if (!llm.Stream)
        {
            return await client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            foreach (var content in update.Contents)
            {
                if (content is TextContent { Text.Length: > 0 } text)
                {
                    _events.Publish(new StreamingDeltaEvent { Content = text.Text });
                }
                else if (content is TextReasoningContent { Text.Length: > 0 } reasoning)
                {
                    _events.Publish(new StreamingDeltaEvent { ReasoningContent = reasoning.Text });
                }
            }
        }

        return updates.ToChatResponse();
    }

    /// <summary>Switches to a profile read fresh through the resolver; persists the reference and announces it.</summary>
    /// <remarks>The caller holds the gate (the <c>switch_llm</c> tool calls this during a run, which holds it).</remarks>
    /// <exception cref="ProfileNotFoundException">The profile does not exist; nothing changed.</exception>
    public async Task SwitchProfileAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        var resolver = _services.Resolver ?? throw new InvalidOperationException(
            "This conversation has no profile store to switch profiles with. Fix: create it with a ConversationFactory that has one "
            + "(set ConversationFactoryOptions.ProfileStore, or resolve ConversationFactory from a container set up with AddOpenHands).");
        var reference = new ProfileReference(name);
        var llm = await resolver.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
        Apply(llm, reference);
        _events.Emit(ProfileEvent(reference, llm.Model, null));
    }

    /// <summary>
    /// The obsolete raw switch. A persisted conversation materializes <paramref name="llm"/> and returns the profile to
    /// switch to; an in-memory one switches to it directly and returns <see langword="null"/>.
    /// </summary>
    public async Task<ProfileName?> SwitchRawAsync(Llm llm, CancellationToken cancellationToken)
    {
        if (_persistence.IsPersisted && _services.Materializer is { } materializer)
        {
            return (await materializer.MaterializeAsync(llm, cancellationToken: cancellationToken).ConfigureAwait(false)).Name;
        }

        var reference = llm.SourceProfile is { } source ? new ProfileReference(source) : null;
        Apply(llm, reference);
        _events.Emit(ProfileEvent(reference, llm.Model, null));
        return null;
    }

    /// <summary>Records that a restore runs on the secret-free snapshot, and why.</summary>
    public void AnnounceFallback(ProfileResolution resolution) =>
        _events.Emit(ProfileEvent(resolution.Reference, resolution.Llm.Model, resolution.FallbackReason));

    /// <summary>The profiles the <c>switch_llm</c> tool may switch to.</summary>
    public async Task<IReadOnlyList<ProfileName>> ListProfilesAsync(CancellationToken cancellationToken = default) =>
        _services.ProfileStore is { } store ? await store.ListAsync(cancellationToken).ConfigureAwait(false) : [];

    /// <summary>Removes the live LLM's secrets from a text before it is logged or persisted.</summary>
    public string Redact(string text) => new SecretRedactor(Agent.Llm).Redact(text);

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }

    private void Apply(Llm llm, ProfileReference? reference)
    {
        Volatile.Write(ref _agent, Agent with { Llm = llm });
        _persistence.Update(_persistence.State with { LlmProfile = reference, LlmSnapshot = ConversationStateCodec.Snapshot(llm) });
    }

    private static ConversationStateUpdateEvent ProfileEvent(ProfileReference? profile, string model, string? fallbackReason) => new()
    {
        Source = EventSource.Environment,
        Key = ConversationStateUpdateEvent.LlmProfileKey,
        Value = JsonSerializer.SerializeToElement(
            new LlmProfileUpdate(profile?.Name.Value, model, fallbackReason is null ? null : true, fallbackReason),
            OpenHandsJsonContext.Default.LlmProfileUpdate),
    };
}
