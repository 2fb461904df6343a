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
        // Takes a writer on purpose (public API): it composes into the caller's document through the LlmDocument contract.
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(llm);
        LlmJsonCodec.Write(writer, llm, exposure, cipher, isProfileFile: true);
    }
    /// <summary>
    /// Writes <paramref name="llm"/> as a JSON object in the shape settings files and the agent server's REST bodies nest:
    /// no <c>schema_version</c>, <c>usage_id</c> written, its secrets as <paramref name="exposure"/> says.
    /// <see cref="Read"/> reads it back.
    /// </summary>
    /// <param name="llm">The LLM.</param>
    /// <param name="exposure">How secrets are written: redacted (<c>**********</c>), encrypted with <paramref name="cipher"/>, or in plaintext.</param>
    /// <param name="cipher">Required for <see cref="SecretExposure.Encrypted"/>.</param>
    /// <returns>The JSON object.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="llm"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><see cref="SecretExposure.Encrypted"/> without a cipher.</exception>
    public static JsonElement ToElement(Llm llm, SecretExposure exposure, Cipher? cipher = null)
    {
        ArgumentNullException.ThrowIfNull(llm);
        return LlmJsonCodec.ToElement(llm, exposure, cipher);
    }

    /// <summary>
    /// Serializes <paramref name="llm"/> as a profile document: exactly the bytes <see cref="LlmProfileStore"/> writes to
    /// <c>&lt;name&gt;.json</c> (indented by two spaces, <c>\n</c>, unknown fields kept, <c>schema_version</c> set), so that a
    /// store keeping profiles elsewhere (a database row) holds the same document as the file.
    /// </summary>
    /// <param name="llm">The LLM.</param>
    /// <param name="exposure">How secrets are written: redacted, encrypted with <paramref name="cipher"/>, or in plaintext.</param>
    /// <param name="cipher">Required for <see cref="SecretExposure.Encrypted"/>.</param>
    /// <returns>The UTF-8 JSON document.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="llm"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><see cref="SecretExposure.Encrypted"/> without a cipher.</exception>
    public static byte[] ToProfileDocument(Llm llm, SecretExposure exposure, Cipher? cipher = null)
    {
        ArgumentNullException.ThrowIfNull(llm);
        return LlmJsonCodec.ToProfileBytes(llm, exposure, cipher);
    }

    /// <summary>
    /// Reads a profile document (the bytes of <see cref="ToProfileDocument"/> or of a profile file) by the rules of
    /// <see cref="LlmProfileStore.LoadAsync"/>: <c>schema_version</c> checked, secrets decrypted with <paramref name="cipher"/>,
    /// <see cref="Llm.SourceProfile"/> set to <paramref name="name"/>.
    /// </summary>
    /// <param name="utf8">The document.</param>
    /// <param name="name">The profile it belongs to.</param>
    /// <param name="cipher">Decrypts secrets shaped like Fernet tokens; without one, such a secret is an error.</param>
    /// <param name="location">Where the document is kept (a file, a table row), named in error messages.</param>
    /// <returns>The LLM.</returns>
    /// <exception cref="InvalidProfileException">The document is not JSON or not a valid LLM profile.</exception>
    /// <exception cref="SecretDecryptionException">A secret cannot be decrypted with <paramref name="cipher"/> (or there is none).</exception>
    public static Llm ReadProfileDocument(ReadOnlySpan<byte> utf8, ProfileName name, Cipher? cipher, string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        try
        {
            return LlmJsonCodec.Read(utf8, cipher, isProfileFile: true, (field, reason) => new SecretDecryptionException(name.Value, field, reason), sourceProfile: name);
        }
        catch (LlmFormatException e)
        {
            throw new InvalidProfileException(name, location, e.Message, e);
        }
    }

    /// <summary>
    /// What a profile listing shows of a profile document, read without decrypting anything (a Fernet token counts as a
    /// set key, whatever the configured cipher).
    /// </summary>
    /// <param name="utf8">The document.</param>
    /// <param name="name">The profile it belongs to.</param>
    /// <param name="location">Where the document is kept, named in error messages.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="InvalidProfileException">The document is not JSON or not a valid LLM profile.</exception>
    public static LlmProfileSummary ReadProfileSummary(ReadOnlySpan<byte> utf8, ProfileName name, string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        try
        {
            var (model, baseUrl, providerConnectionId, apiKeySet) = LlmJsonCodec.ReadSummary(utf8);
            return new LlmProfileSummary(name, model, baseUrl, providerConnectionId, apiKeySet);
        }
        catch (LlmFormatException e)
        {
            throw new InvalidProfileException(name, location, e.Message, e);
        }
    }
}
