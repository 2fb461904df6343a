using System.Text.Json.Nodes;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Settings.Internal;

namespace OpenHands.Sdk.Settings;

/// <summary>
/// <see cref="PersistedSettings"/> as JSON in the shape of the Python SDK's <c>settings.json</c>: the one codec
/// <see cref="SettingsStore"/> uses, for apps that edit that JSON themselves (the agent server applies an RFC 7386 merge
/// patch to it and reads the result back).
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
}
