using System.Text.Json;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Llms;

/// <summary>
/// An <see cref="Llm"/> as JSON in the Python SDK's <c>LLM</c> shape: the shape of a profile file, of the LLM that legacy
/// settings files embed, and of the agent server's REST bodies. The one codec the profile store uses, for apps that read
/// or write such JSON themselves (a migration from legacy files, an export).
/// </summary>
public static class LlmJson
{
    /// <summary>
    /// Reads an <see cref="Llm"/> from a JSON object, such as the <c>llm</c> that a legacy settings file embeds. Secrets may
    /// be plaintext, the redacted sentinel <c>**********</c> (read as no secret) or Fernet tokens, decrypted with
    /// <paramref name="cipher"/>. Unknown fields are kept and written back. <c>schema_version</c> is not checked.
    /// </summary>
    /// <param name="json">The JSON object.</param>
    /// <param name="cipher">Decrypts secrets shaped like Fernet tokens; without one, such a secret is an error.</param>
    /// <param name="source">Names the document in error messages, for example a file and a field.</param>
    /// <returns>The LLM.</returns>
    /// <exception cref="InvalidProfileException">The JSON does not describe a valid LLM.</exception>
    /// <exception cref="SecretDecryptionException">A secret shaped like a Fernet token cannot be decrypted with <paramref name="cipher"/> (or there is none).</exception>
    public static Llm Read(JsonElement json, Cipher? cipher = null, string source = "LLM JSON")
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return LlmJsonCodec.Read(json, cipher, isProfileFile: false, (field, reason) => new SecretDecryptionException(source, field, reason));
        }
        catch (LlmFormatException e)
        {
            throw new InvalidProfileException($"{source} is not a valid LLM: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="llm"/> as a JSON object in the profile-file shape (with <c>schema_version</c>), its secrets
    /// as <paramref name="exposure"/> says.
    /// </summary>
    /// <param name="writer">Receives the object.</param>
    /// <param name="llm">The LLM.</param>
    /// <param name="exposure">How secrets are written: redacted (<c>**********</c>), encrypted with <paramref name="cipher"/>, or in plaintext.</param>
    /// <param name="cipher">Required for <see cref="SecretExposure.Encrypted"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> or <paramref name="llm"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><see cref="SecretExposure.Encrypted"/> without a cipher.</exception>
    public static void Write(Utf8JsonWriter writer, Llm llm, SecretExposure exposure, Cipher? cipher = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(llm);
        LlmJsonCodec.Write(writer, llm, exposure, cipher, isProfileFile: true);
    }
}
