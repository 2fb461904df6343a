using System.Text.Json;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// LLMs on the wire: read from a request (Fernet-shaped secrets decrypted with the server's key), written for an answer.
/// The wire's <see cref="LlmDocument"/> is the server's own copy of the contract; it becomes an <see cref="Llm"/> and back
/// through the SDK's public <see cref="LlmJson"/>, in the nested shape both sides write.
/// </summary>
internal static class WireLlm
{
    /// <summary>
    /// The LLM of a request. A secret shaped like a Fernet token is decrypted with the server's key; one that does not
    /// decrypt is a 422 (never stored or sent to a provider as if it were the key).
    /// </summary>
    public static Llm Read(LlmDocument? document, Cipher? cipher, params string[] loc)
    {
        if (document is null)
        {
            throw ApiException.Validation("Field required", "missing", loc);
        }

        var json = JsonSerializer.SerializeToElement(document, OpenHandsJson.For(SecretExposure.Plaintext, null, indented: false).Contract<LlmDocument>());
        try
        {
            return LlmJson.Read(json, cipher, "the request's LLM");
        }
        catch (SecretDecryptionException e)
        {
            throw ApiException.Validation(
                $"Field '{e.FieldName}' looks like an encrypted token but cannot be decrypted with this server's key ({e.Reason}).",
                "value_error", [.. loc, e.FieldName ?? "llm"]);
        }
        catch (InvalidProfileException e)
        {
            throw ApiException.Validation($"Invalid LLM: {(e.InnerException ?? e).Message}", "value_error", loc);
        }
        catch (ArgumentException e)
        {
            throw ApiException.Validation($"Invalid LLM: {e.Message}", "value_error", loc);
        }
    }

    /// <summary>The LLM as the wire's document, its secrets in plaintext (the response's options decide how they are written).</summary>
    public static LlmDocument Document(Llm llm) =>
        LlmJson.ToElement(llm, SecretExposure.Plaintext).Deserialize(WireJson.Contract<LlmDocument>())!;

    /// <summary>Whether <paramref name="llm"/> carries a value in one of the secret fields (<see cref="SecretFields.LlmFieldNames"/>).</summary>
    public static bool HasSecretField(Llm llm)
    {
        // By name on the written document: SecretFields is the one list of secret fields, whichever they are.
        var json = LlmJson.ToElement(llm, SecretExposure.Plaintext);
        return SecretFields.LlmFieldNames.Any(n => json.TryGetProperty(n, out var value) && value.ValueKind == JsonValueKind.String);
    }

    /// <summary>
    /// The stored LLM for a profile detail: written with the options of the caller's <c>X-Expose-Secrets</c>; redacted,
    /// <c>api_key</c> is an explicit <see langword="null"/> (the reference's marker) and the other secrets <c>**********</c>.
    /// </summary>
    public static LlmDocument ForDetail(Llm llm, SecretExposure exposure)
    {
        var view = Document(llm);
        if (exposure == SecretExposure.Redacted)
        {
            view.ApiKey = null;
            view.WritingKeyAsNull = true;
        }

        return view;
    }

    /// <summary>
    /// The secret-free snapshot of a live LLM: written redacted and read back, so every secret field is unset, and the
    /// credential headers dropped; <c>api_key</c> an explicit <see langword="null"/>.
    /// </summary>
    /// <remarks>
    /// The last snapshot is kept and answered again for an equal LLM with the same usage id and source (every start and
    /// info of conversations on one profile asks for the same one). Callers only serialize the document, never change it.
    /// </remarks>
    public static LlmDocument Snapshot(Llm llm)
    {
        if (Volatile.Read(ref _lastSnapshot) is { } last && last.Llm.Equals(llm)
            && last.Llm.UsageId == llm.UsageId && Equals(last.Llm.SourceProfile, llm.SourceProfile))
        {
            return last.Document;
        }

        var document = NewSnapshot(llm);
        Volatile.Write(ref _lastSnapshot, new CachedSnapshot(llm, document));
        return document;
    }

    private static CachedSnapshot? _lastSnapshot;

    private sealed record CachedSnapshot(Llm Llm, LlmDocument Document);

    private static LlmDocument NewSnapshot(Llm llm)
    {
        var view = LlmJson.ToElement(llm, SecretExposure.Redacted).Deserialize(WireJson.Contract<LlmDocument>())!;
        if (view.ExtraHeaders is { } headers && headers.Keys.Any(SecretFields.IsSensitiveHeader))
        {
            view.ExtraHeaders = headers.RemoveRange(headers.Keys.Where(SecretFields.IsSensitiveHeader));
        }

        view.WritingKeyAsNull = true;
        return view;
    }
}
