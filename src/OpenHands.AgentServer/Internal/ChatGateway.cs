using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The OpenAI-compatible gateway: every LLM profile is a model (<c>openhands_&lt;profile&gt;</c>), and a chat completion
/// runs as a conversation on that profile. The profile's key is resolved here and used only for the provider call; the
/// client never sees it.
/// </summary>
/// <remarks>
/// Gateway conversations live in memory only (the Python gateway persists them as ordinary conversations): an OpenAI
/// client sends its whole history with every request, so nothing is kept, no conversation appears under
/// <c>/api/conversations</c>, and each conversation is disposed when its request ends, also when the client goes away.
/// The agent has no tools: it answers as the profile's model does, with the request's system and developer messages as
/// its system message suffix.
/// </remarks>
internal sealed class ChatGateway(ConversationFactory factory, ILlmProfileStore profiles, ServerFolders folders, TimeProvider time)
{
    /// <summary>The prefix of the model ids, as in the Python gateway.</summary>
    public const string ModelPrefix = "openhands_";

    /// <summary>How long one completion may run before it is cancelled (the Python gateway's fixed limit).</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Agent steps per completion: without tools one step answers; the cap only stops a model that keeps calling tools.</summary>
    private const int MaxIterations = 5;

    private readonly ConversationFactory _inMemory = factory.WithoutPersistence();

    public TimeProvider Time => time;

    /// <summary>Every profile as a model, sorted by id.</summary>
    public async Task<IReadOnlyList<OpenAiModel>> ModelsAsync(CancellationToken cancellationToken)
    {
        var names = await profiles.ListAsync(cancellationToken).ConfigureAwait(false);
        return [.. names.Select(n => new OpenAiModel { Id = ModelPrefix + n }).OrderBy(m => m.Id, StringComparer.Ordinal)];
    }

    /// <summary>The profile a model id names: <c>openhands_&lt;profile&gt;</c> as listed, or the bare profile name.</summary>
    /// <exception cref="ApiException">404 <c>model_not_found</c> when no profile has that name.</exception>
    public async Task<ProfileName> ProfileForAsync(string model, CancellationToken cancellationToken)
    {
        string[] candidates = model.StartsWith(ModelPrefix, StringComparison.Ordinal) ? [model[ModelPrefix.Length..], model] : [model];
        foreach (var candidate in candidates)
        {
            if (ProfileName.TryCreate(candidate, out var name) && await profiles.ExistsAsync(name, cancellationToken).ConfigureAwait(false))
            {
                return name;
            }
        }

        throw new ApiException(StatusCodes.Status404NotFound, $"Unknown model '{model}': no LLM profile has that name. Use GET /v1/models.") { Code = "model_not_found" };
    }

    /// <summary>
    /// Starts the in-memory conversation of one completion on <paramref name="profile"/>; a streamed one runs with
    /// <c>stream: true</c> on the live LLM (the profile itself is not changed), so its deltas arrive as they are made.
    /// </summary>
    public async Task<GatewayRun> StartAsync(ProfileName profile, string userText, string? systemText, bool stream, CancellationToken cancellationToken)
    {
        var resolver = factory.Resolver ?? throw new InvalidOperationException("The agent server's ConversationFactory has no profile store.");
        var resolved = await resolver.ResolveProfileAsync(new ProfileReference(profile), cancellationToken).ConfigureAwait(false);
        var llm = stream && !resolved.Llm.Stream ? resolved.Llm with { Stream = true } : resolved.Llm;
        var deltas = Channel.CreateUnbounded<StreamingDeltaEvent>(new UnboundedChannelOptions { SingleReader = true });
        var options = new ConversationOptions
        {
            MaxIterations = MaxIterations,
            WorkingDirectory = folders.Workspaces,   // never read or written: the agent has no tools
        };
        options.Callbacks.Add(e =>
        {
            if (e is StreamingDeltaEvent delta)
            {
                deltas.Writer.TryWrite(delta);
            }
        });
        var conversation = await _inMemory.StartAsync(new Agent(llm) { SystemMessageSuffix = systemText }, options, cancellationToken).ConfigureAwait(false);
        return new GatewayRun(conversation, deltas, userText, time);
    }
}
