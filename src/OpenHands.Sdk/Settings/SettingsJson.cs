using OpenHands.Sdk.Llms.Internal;

namespace OpenHands.Sdk.Settings;

/// <summary>
/// The <c>settings.json</c> document as bytes, for stores that keep it elsewhere than in a file (a database row): exactly
/// what <see cref="SettingsStore"/> writes and reads, unknown fields and stored Fernet tokens included.
/// </summary>
public static class SettingsJson
{
    /// <summary>Returns the document <see cref="SettingsStore"/> writes for <paramref name="settings"/> (current schema, indented).</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The UTF-8 JSON bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="settings"/> is <see langword="null"/>.</exception>
    public static byte[] ToDocument(PersistedSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Internal.SettingsCodec.Write(settings);
    }

    /// <summary>
    /// Reads a settings document of any schema the Python SDK or this SDK has written. A document that still embeds an
    /// LLM (<c>agent_settings.llm</c>, with its key) is refused: only <see cref="SettingsStore"/> migrates it, into a profile.
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
            var (settings, legacy) = Internal.SettingsCodec.Read(utf8);
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
