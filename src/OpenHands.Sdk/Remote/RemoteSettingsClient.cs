using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Remote.Internal;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Settings.Internal;
using OpenHands.Sdk.Wire;

namespace OpenHands.Sdk.Remote;

/// <summary>
/// The settings of an agent server (<c>/api/settings</c>): <see cref="RemoteWorkspace.Settings"/>. The methods are named after
/// their local twins on <see cref="SettingsStore"/>. Settings never hold an LLM here: only the active profile's name.
/// </summary>
/// <remarks>Instances are thread-safe.</remarks>
public sealed class RemoteSettingsClient
{
    private readonly AgentServerClient _client;

    internal RemoteSettingsClient(AgentServerClient client) => _client = client;

    /// <summary>Reads the server's settings: no LLM, only the active profile's name and whether it holds a key.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteSettings> LoadAsync(CancellationToken cancellationToken = default)
    {
        var request = RemoteRequest.Get("api/settings");
        return Read(await _client.SendAsync(request, OpenHandsJson.Redacted.Contract<SettingsResponse>(), cancellationToken).ConfigureAwait(false), request.Path);
    }

    /// <summary>Changes the server's settings with merge patches and/or the active-profile pointer. An LLM is never sent.</summary>
    /// <param name="update">What to change.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The settings after the change.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="update"/> changes nothing, or its agent-settings diff holds an <c>llm</c>; nothing was sent.</exception>
    /// <exception cref="InvalidProfileNameException"><see cref="RemoteSettingsUpdate.ActiveProfile"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileNotFoundException">The profile to activate does not exist on the server; nothing changed.</exception>
    /// <exception cref="AgentServerValidationException">The server found the resulting settings invalid; nothing changed.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteSettings> UpdateAsync(RemoteSettingsUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.AgentSettingsDiff?.ContainsKey("llm") == true)
        {
            throw new ArgumentException(
                "Settings hold no LLM: save it as a profile with RemoteWorkspace.Profiles.SaveAsync (formerly SaveProfileAsync) and set RemoteSettingsUpdate.ActiveProfile to the profile's name.",
                nameof(update));
        }

        var patch = new SettingsPatchRequest();
        if (update.AgentSettingsDiff is { } agent)
        {
            patch.AgentSettingsDiff = (JsonObject)agent.DeepClone();
        }

        if (update.ConversationSettingsDiff is { } conversation)
        {
            patch.ConversationSettingsDiff = (JsonObject)conversation.DeepClone();
        }

        if (update.MiscSettingsDiff is { } misc)
        {
            patch.MiscSettingsDiff = (JsonObject)misc.DeepClone();
        }

        ProfileName? active = null;
        if (update.ActiveProfile is not null)
        {
            active = ProfileName.Create(update.ActiveProfile);
            patch.ActiveProfile = JsonSerializer.SerializeToElement(active.Value.Value, OpenHandsJson.Redacted.Contract<string>());
        }
        else if (update.ClearActiveProfile)
        {
            patch.ActiveProfile = JsonSerializer.SerializeToElement(null!, OpenHandsJson.Redacted.Contract<string>());   // JSON null: clear
        }

        if (!patch.ChangesAnything)
        {
            throw new ArgumentException("The settings update changes nothing: set a diff, ActiveProfile or ClearActiveProfile.", nameof(update));
        }

        var request = RemoteRequest.With(HttpMethod.Patch, "api/settings", patch, OpenHandsJson.Redacted.Contract<SettingsPatchRequest>(), idempotent: true)
            with { NotFound = NotFoundMeaning.Profile, Profile = active };
        return Read(await _client.SendAsync(request, OpenHandsJson.Redacted.Contract<SettingsResponse>(), cancellationToken).ConfigureAwait(false), request.Path);
    }

    private static RemoteSettings Read(SettingsResponse response, string path)
    {
        // The settings codec reads them as if from a file (every schema the Python SDK wrote); a Python server's redacted
        // agent_settings.llm is read as its legacy LLM and dropped: settings here never carry an LLM.
        var document = new SettingsDocument
        {
            AgentSettings = response.AgentSettings,
            ConversationSettings = response.ConversationSettings,
            ActiveProfile = response.ActiveProfile,
            ActiveAgentProfileId = response.ActiveAgentProfileId,
            MiscSettings = response.MiscSettings,
        };
        try
        {
            return new RemoteSettings(SettingsCodec.Read(JsonSerializer.SerializeToNode(document, OpenHandsJson.Redacted.Contract<SettingsDocument>())).Settings, response.LlmApiKeyIsSet);
        }
        catch (LlmFormatException e)
        {
            throw new AgentServerRequestException($"The agent server's answer to {path} holds invalid settings: {e.Message}", e);
        }
    }
}
