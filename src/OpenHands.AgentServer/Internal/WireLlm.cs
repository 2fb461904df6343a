using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.AgentServer.Internal;

/// <summary>LLMs on the wire: read from a request (Fernet-shaped secrets decrypted with the server's key), written for an answer.</summary>
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

        try
        {
            return LlmJsonCodec.Read(document, cipher, (field, reason) => ApiException.Validation(
                $"Field '{field}' looks like an encrypted token but cannot be decrypted with this server's key ({reason}).",
                "value_error", [.. loc, field]));
        }
        catch (Exception e) when (e is LlmFormatException or ArgumentException)
        {
            throw ApiException.Validation($"Invalid LLM: {e.Message}", "value_error", loc);
        }
    }

    /// <summary>
    /// The stored LLM for a profile detail: written with the options of the caller's <c>X-Expose-Secrets</c>; redacted,
    /// <c>api_key</c> is an explicit <see langword="null"/> (the reference's marker) and the other secrets <c>**********</c>.
    /// </summary>
    public static LlmDocument ForDetail(Llm llm, SecretExposure exposure)
    {
        var view = LlmJsonCodec.WriteView(llm, isProfileFile: false, includeUsageId: true);
        if (exposure == SecretExposure.Redacted)
        {
            view.ApiKey = null;
            view.WritingKeyAsNull = true;
        }

        return view;
    }

    /// <summary>The secret-free snapshot of a live LLM (<see cref="SecretFields.Without"/>), <c>api_key</c> an explicit <see langword="null"/>.</summary>
    public static LlmDocument Snapshot(Llm llm)
    {
        var view = LlmJsonCodec.WriteView(SecretFields.Without(llm), isProfileFile: false, includeUsageId: true);
        view.WritingKeyAsNull = true;
        return view;
    }
}
