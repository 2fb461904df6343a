using System.Text.Json.Nodes;

namespace OpenHands.Sdk.Remote;

/// <summary>
/// A change to an agent server's settings (<c>PATCH /api/settings</c>). The diffs are RFC 7386 merge patches:
/// objects merge, <see langword="null"/> removes a field, anything else replaces it.
/// </summary>
/// <remarks>
/// Settings never hold an LLM: an <see cref="AgentSettingsDiff"/> with an <c>llm</c> field is refused before anything is
/// sent. Save the LLM with <see cref="RemoteProfilesClient.SaveAsync"/> and point <see cref="ActiveProfile"/> at it.
/// </remarks>
public sealed class RemoteSettingsUpdate
{
    /// <summary>Gets or sets the merge patch of <c>agent_settings</c>, such as <c>{"system_message_suffix": "Be brief."}</c>.</summary>
    /// <value>The default is <see langword="null"/>: unchanged.</value>
    public JsonObject? AgentSettingsDiff { get; set; }

    /// <summary>Gets or sets the merge patch of <c>conversation_settings</c>.</summary>
    /// <value>The default is <see langword="null"/>: unchanged.</value>
    public JsonObject? ConversationSettingsDiff { get; set; }

    /// <summary>Gets or sets the merge patch of <c>misc_settings</c>.</summary>
    /// <value>The default is <see langword="null"/>: unchanged.</value>
    public JsonObject? MiscSettingsDiff { get; set; }

    /// <summary>Gets or sets the profile to make active (it must exist on the server).</summary>
    /// <value>The default is <see langword="null"/>: unchanged, unless <see cref="ClearActiveProfile"/> is set.</value>
    public string? ActiveProfile { get; set; }

    /// <summary>Gets or sets whether to clear the active profile (ignored when <see cref="ActiveProfile"/> is set).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool ClearActiveProfile { get; set; }
}
