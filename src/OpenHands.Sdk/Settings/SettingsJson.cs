using System.Text.Json.Nodes;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Settings.Internal;

namespace OpenHands.Sdk.Settings;

/// <summary>
/// <see cref="PersistedSettings"/> as JSON in the shape of the Python SDK's <c>settings.json</c>: the one codec
/// <see cref="SettingsStore"/> uses, for stores that keep the document elsewhere than in a file (a database row keeps
/// exactly these bytes, unknown fields and stored Fernet tokens included) and for apps that edit that JSON themselves
/// (the agent server applies an RFC 7386 merge patch to it and reads the result back).
/// </summary>
public static class SettingsJson
{
    /// <summary>Writes settings in the current schema, indented by two spaces with <c>\n</c>, as the store writes the file.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The UTF-8 JSON document.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="settings"/> is <see langword="null"/>.</exception>
    public static byte[] Write(PersistedSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return SettingsCodec.Write(settings);
    }

    /// <summary>
    /// Reads settings from a JSON object of any schema the Python SDK has written (older schemas are migrated). An LLM
    /// that a legacy file still embeds in <c>agent_settings.llm</c> is ignored: settings hold a profile reference.
    /// </summary>
    /// <param name="json">The JSON object.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidSettingsException">The JSON is not valid settings; the message names the field.</exception>
    /// <exception cref="ArgumentException">A value is out of range (a negative iteration limit, a blank name).</exception>
    public static PersistedSettings Read(JsonNode? json)
    {
        try
        {
            return SettingsCodec.Read(json).Settings;
        }
        catch (LlmFormatException e)
        {
            throw new InvalidSettingsException(e.Message, e);
        }
    }

    /// <summary>
    /// Reads a stored settings document of any schema the Python SDK or this SDK has written. A document that still embeds
    /// an LLM (<c>agent_settings.llm</c>, with its key) is refused: only <see cref="SettingsStore"/> migrates it, into a profile.
    /// </summary>
    /// <param name="utf8">The document.</param>
    /// <param name="location">Where it is kept, as error messages name it (a path or <c>table/row</c>).</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidSettingsException">The document is not valid settings, or it embeds an LLM.</exception>
    public static PersistedSettings ReadDocument(ReadOnlySpan<byte> utf8, string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        try
        {
            var (settings, legacy) = SettingsCodec.Read(utf8);
            return legacy is null
                ? settings
                : throw new InvalidSettingsException(location,
                    "agent_settings.llm embeds an LLM; move it into a profile first with 'openhands migrate' (or any command of the CLI or a start of the agent server on that folder)", null);
        }
        catch (LlmFormatException ex)
        {
            throw new InvalidSettingsException(location, ex.Message, ex);
        }
    }
}
