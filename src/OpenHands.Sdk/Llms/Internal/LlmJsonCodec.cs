using System.Text.Json;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Llms.Internal;

/// <summary>
/// Reads and writes <see cref="Llm"/> in the Python SDK's JSON format (field names, order and secret modes), through the
/// contract <see cref="LlmDocument"/>.
/// </summary>
/// <remarks>
/// <para>
/// Reading applies the Python input rules: blank or <c>**********</c> secrets mean "none", integers written as
/// <c>8.0</c> are accepted, the legacy OpenHands proxy form is canonicalized, <c>is_subscription: true</c> makes a
/// subscription LLM, unknown fields are kept. Two rules are stricter than Python on purpose: a token-shaped secret that
/// does not decrypt (wrong key, or no cipher) is an error rather than a silent <see langword="null"/> or a ciphertext used
/// as a key; and credential headers are secrets too (<see cref="SecretFields"/>).
/// </para>
/// <para>
/// Writing follows <c>to_persisted</c>: nulls omitted, non-null defaults present, <c>schema_version</c> last for
/// profile files. Deprecated <c>modify_params</c> is dropped, the default <c>log_completions_folder</c> is not
/// written, and nullable fields with a non-null default are written as an explicit <see langword="null"/> so they
/// read back as null in both SDKs. Secrets are written as the <see cref="SecretExposure"/> says.
/// </para>
/// </remarks>
internal static class LlmJsonCodec
{
    internal static readonly JsonWriterOptions IndentedWriter = new() { Indented = true, NewLine = "\n" };

    /// <summary>The names of the secret fields of an LLM document (the one list is <see cref="SecretFields.LlmFieldNames"/>).</summary>
    public static IReadOnlyList<string> SecretFieldNames => SecretFields.LlmFieldNames;

    /// <summary>Reads an <see cref="Llm"/> from a JSON object.</summary>
    /// <param name="root">The JSON object.</param>
    /// <param name="cipher">Decrypts token-shaped secrets; without one, a token-shaped secret is an error.</param>
    /// <param name="isProfileFile">Whether <c>schema_version</c> is checked (profile files) or ignored (nested in settings).</param>
    /// <param name="onDecryptFailure">Builds the exception for a secret that cannot be decrypted: (field, reason).</param>
    /// <exception cref="LlmFormatException">The document is not a valid LLM.</exception>
    public static Llm Read(JsonElement root, Cipher? cipher, bool isProfileFile, Func<string, string, Exception> onDecryptFailure) =>
        Finish(Parse(root), cipher, isProfileFile, onDecryptFailure, sourceProfile: null);

    /// <summary>Reads an <see cref="Llm"/> from UTF-8 JSON, the rules of <see cref="Read(JsonElement, Cipher?, bool, Func{string, string, Exception})"/>.</summary>
    /// <param name="utf8">The JSON text.</param>
    /// <param name="cipher">Decrypts token-shaped secrets.</param>
    /// <param name="isProfileFile">Whether <c>schema_version</c> is checked.</param>
    /// <param name="onDecryptFailure">Builds the exception for a secret that cannot be decrypted: (field, reason).</param>
    /// <param name="sourceProfile">The profile the text was read from, kept as <see cref="Llm.SourceProfile"/>.</param>
    /// <exception cref="LlmFormatException">The text is not JSON or not a valid LLM.</exception>
    public static Llm Read(
        ReadOnlySpan<byte> utf8, Cipher? cipher, bool isProfileFile, Func<string, string, Exception> onDecryptFailure, ProfileName? sourceProfile = null) =>
        Finish(Parse(utf8), cipher, isProfileFile, onDecryptFailure, sourceProfile);

    /// <summary>Checks an LLM document read as part of a larger one (a REST request) and decrypts its secrets, as <see cref="Read(JsonElement, Cipher?, bool, Func{string, string, Exception})"/>.</summary>
    /// <exception cref="LlmFormatException">The document is not a valid LLM.</exception>
    public static Llm Read(LlmDocument? document, Cipher? cipher, Func<string, string, Exception> onDecryptFailure) =>
        Finish(document, cipher, isProfileFile: false, onDecryptFailure, sourceProfile: null);

    /// <summary>Reads an LLM without any of its secrets, whatever their form (plaintext, sentinel, token): conversation snapshots.</summary>
    /// <exception cref="LlmFormatException">The document is not a valid LLM.</exception>
    public static Llm ReadSecretFree(JsonElement root) => FinishSecretFree(Parse(root));

    /// <summary>Turns a document read as part of a larger one (conversation state) into a secret-free LLM.</summary>
    /// <exception cref="LlmFormatException">The document is not a valid LLM.</exception>
    internal static Llm FinishSecretFree(LlmDocument? document)
    {
        var checkedDocument = Check(document, isProfileFile: false);
        SecretFields.Strip(checkedDocument);
        return Llm.FromDocument(checkedDocument);
    }

    /// <summary>What a profile listing shows of a profile file, read without decrypting anything.</summary>
    /// <exception cref="LlmFormatException">The text is not JSON or not a valid LLM profile.</exception>
    public static (string Model, string? BaseUrl, string? ProviderConnectionId, bool ApiKeySet) ReadSummary(ReadOnlySpan<byte> utf8)
    {
        // A token counts as a set key: the file is fine even when the configured cipher does not fit it.
        var document = Check(Parse(utf8), isProfileFile: true);
        return (document.Model, document.BaseUrl, document.ProviderConnectionId, document.ApiKey is not null);
    }

    /// <summary>Writes an <see cref="Llm"/> as a JSON object.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="llm">The configuration.</param>
    /// <param name="exposure">How secrets are written.</param>
    /// <param name="cipher">Required for <see cref="SecretExposure.Encrypted"/>.</param>
    /// <param name="isProfileFile">Profile files carry <c>schema_version</c> and no inline key for a provider connection.</param>
    /// <param name="includeUsageId">Whether <c>usage_id</c> is written.</param>
    /// <exception cref="InvalidOperationException"><see cref="SecretExposure.Encrypted"/> without a cipher.</exception>
    /// <remarks>Takes a writer on purpose: it composes into a caller's document; the object itself is the contract's.</remarks>
    public static void Write(Utf8JsonWriter writer, Llm llm, SecretExposure exposure, Cipher? cipher, bool isProfileFile, bool includeUsageId = true) =>
        JsonSerializer.Serialize(writer, WriteView(llm, isProfileFile, includeUsageId), OpenHandsJson.For(exposure, cipher, indented: false).Contract<LlmDocument>());

    /// <summary>Serializes <paramref name="llm"/> to compact UTF-8 bytes, as <see cref="Write"/> writes it.</summary>
    /// <exception cref="InvalidOperationException"><see cref="SecretExposure.Encrypted"/> without a cipher.</exception>
    public static byte[] ToUtf8Bytes(Llm llm, SecretExposure exposure, Cipher? cipher, bool isProfileFile) =>
        JsonSerializer.SerializeToUtf8Bytes(WriteView(llm, isProfileFile, includeUsageId: true), OpenHandsJson.For(exposure, cipher, indented: false).Contract<LlmDocument>());

    /// <summary>Serializes <paramref name="llm"/> to UTF-8 bytes in the profile-file format (indented by two spaces, <c>\n</c>).</summary>
    /// <exception cref="InvalidOperationException"><see cref="SecretExposure.Encrypted"/> without a cipher.</exception>
    public static byte[] ToProfileBytes(Llm llm, SecretExposure exposure, Cipher? cipher) =>
        JsonSerializer.SerializeToUtf8Bytes(WriteView(llm, isProfileFile: true, includeUsageId: true), OpenHandsJson.For(exposure, cipher, indented: true).Contract<LlmDocument>());

    /// <summary>The nested shape (no <c>schema_version</c>, <c>usage_id</c> written) as a JSON element.</summary>
    public static JsonElement ToElement(Llm llm, SecretExposure exposure, Cipher? cipher) =>
        JsonSerializer.SerializeToElement(WriteView(llm, isProfileFile: false, includeUsageId: true), OpenHandsJson.For(exposure, cipher, indented: false).Contract<LlmDocument>());

    /// <summary>
    /// The copy of <paramref name="llm"/>'s fields that one write uses: the unknown fields in ordinal order, then
    /// <c>schema_version</c> for a profile file, and the flags of <see cref="LlmDocument.ApplyWriteRules"/>.
    /// </summary>
    internal static LlmDocument WriteView(Llm llm, bool isProfileFile, bool includeUsageId)
    {
        var view = llm.Document.Clone();
        view.WritingProfileFile = isProfileFile;
        view.WritingWithoutUsageId = !includeUsageId;
        view.Unknown = isProfileFile
            ? UnknownFields.ForWrite(view.AdditionalProperties, "schema_version", UnknownFields.Element(LlmDefaults.ProfileSchemaVersion))
            : UnknownFields.ForWrite(view.AdditionalProperties);
        return view;
    }

    private static LlmDocument? Parse(JsonElement root)
    {
        try
        {
            return root.Deserialize(OpenHandsJson.Redacted.Contract<LlmDocument>());
        }
        catch (JsonException ex)
        {
            throw new LlmFormatException(JsonErrors.Describe(ex), ex);
        }
    }

    private static LlmDocument? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8, OpenHandsJson.Redacted.Contract<LlmDocument>());
        }
        catch (JsonException ex)
        {
            throw new LlmFormatException(JsonErrors.Describe(ex), ex);
        }
    }

    private static Llm Finish(LlmDocument? document, Cipher? cipher, bool isProfileFile, Func<string, string, Exception> onDecryptFailure, ProfileName? sourceProfile)
    {
        var checkedDocument = Check(document, isProfileFile);
        SecretFields.Decrypt(checkedDocument, cipher, onDecryptFailure);
        return Llm.FromDocument(checkedDocument, sourceProfile);
    }

    /// <summary>The rules that span fields, applied once the whole object is read.</summary>
    private static LlmDocument Check(LlmDocument? document, bool isProfileFile)
    {
        if (document is null)
        {
            throw new LlmFormatException("the top-level JSON value is not an object");
        }

        var version = UnknownFields.Remove(document.Unknown, "schema_version");
        if (isProfileFile)
        {
            SchemaVersion.Read(version, LlmDefaults.ProfileSchemaVersion, "LLM profile");
        }

        if (document.Model is null)
        {
            throw new LlmFormatException("field 'model' is required and must be a non-empty string");
        }

        var (model, dropBaseUrl) = OpenHandsProxy.Canonicalize(document.Model, document.BaseUrl);
        document.Model = model;
        if (dropBaseUrl)
        {
            document.BaseUrl = null;
        }

        if (document.SubscriptionFlagRead)
        {
            document.AuthType = LlmAuthType.Subscription;
            document.SubscriptionFlagRead = false;
        }

        // modify_params is deprecated: read and dropped, as the Python SDK does.
        document.AdditionalProperties = UnknownFields.Take(document.Unknown, "modify_params");
        document.Unknown = null;
        return document;
    }
}
