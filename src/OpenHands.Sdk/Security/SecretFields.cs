using System.Collections.Immutable;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Security;

/// <summary>
/// The one list of what is secret in an <see cref="Llm"/>: the four secret fields, and the values of credential-carrying
/// <c>extra_headers</c>. Encryption at rest, redaction, conversation snapshots and the redactor all ask here.
/// </summary>
/// <remarks>
/// The names and the header rule (<c>SecretFields.Names.cs</c>) are also compiled into the agent server, whose copy of
/// the documents writes credential headers with them.
/// </remarks>
internal static partial class SecretFields
{
    // The fields' accessors, taken from the JSON contract so that LlmFieldNames is the only place the list is typed;
    // found on first use (a field initializer here could run before the one of LlmFieldNames in the other part).
    private static (string Name, Func<object, object?> Get, Action<object, object?> Set)[] Accessors => field ??= FindAccessors();

    /// <summary>The secrets of <paramref name="llm"/> as (JSON field, value): the secret fields that are set, then credential headers.</summary>
    public static IEnumerable<(string Field, string Value)> ValuesOf(Llm llm)
    {
        foreach (var (name, get, _) in Accessors)
        {
            if (get(llm.Document) is SecretString secret)
            {
                yield return (name, secret.Reveal());
            }
        }

        foreach (var (header, value) in llm.ExtraHeaders ?? ImmutableDictionary<string, string>.Empty)
        {
            if (IsSensitiveHeader(header))
            {
                yield return ("extra_headers." + header, value);
            }
        }
    }

    /// <summary>A copy of <paramref name="llm"/> without any secret (the conversation-state snapshot) and without provenance.</summary>
    public static Llm Without(Llm llm)
    {
        var document = llm.Document.Clone();
        Strip(document);
        return Llm.FromDocument(document);
    }

    /// <summary>Clears every secret field and drops every credential header of <paramref name="document"/>.</summary>
    public static void Strip(LlmDocument document)
    {
        foreach (var (_, _, set) in Accessors)
        {
            set(document, null);
        }

        if (document.ExtraHeaders is { } headers && headers.Keys.Any(IsSensitiveHeader))
        {
            document.ExtraHeaders = headers.RemoveRange(headers.Keys.Where(IsSensitiveHeader));
        }
    }

    /// <summary>
    /// Decrypts, in place, the secrets of a document just read: a Fernet token becomes its plaintext, a token that does
    /// not decrypt (wrong key, damaged, no cipher) is the error <paramref name="onDecryptFailure"/> builds. A credential
    /// header read as <c>**********</c> (a redacted copy) is dropped rather than sent as a credential.
    /// </summary>
    public static void Decrypt(LlmDocument document, Cipher? cipher, Func<string, string, Exception> onDecryptFailure)
    {
        foreach (var (name, get, set) in Accessors)
        {
            if (get(document) is SecretString secret && Cipher.LooksEncrypted(secret.Reveal()))
            {
                set(document, SecretString.FromNullable(Plaintext(secret.Reveal(), name, cipher, onDecryptFailure)));
            }
        }

        if (document.ExtraHeaders is not { } headers || !headers.Keys.Any(IsSensitiveHeader))
        {
            return;
        }

        var builder = headers.ToBuilder();
        foreach (var (header, value) in headers)
        {
            if (!IsSensitiveHeader(header))
            {
                continue;
            }

            if (Cipher.LooksEncrypted(value))
            {
                var plain = Plaintext(value, "extra_headers." + header, cipher, onDecryptFailure);
                if (string.IsNullOrWhiteSpace(plain))
                {
                    builder.Remove(header);
                }
                else
                {
                    builder[header] = plain;
                }
            }
            else if (value == SecretString.Redacted)
            {
                builder.Remove(header);
            }
        }

        document.ExtraHeaders = builder.ToImmutable();
    }

    private static string Plaintext(string token, string field, Cipher? cipher, Func<string, string, Exception> onDecryptFailure)
    {
        if (cipher is null)
        {
            throw onDecryptFailure(field, "the value is encrypted and no cipher is configured");
        }

        return cipher.TryDecrypt(token, out var plain) ? plain : throw onDecryptFailure(field, "the cipher key does not match or the token is damaged");
    }

    private static (string, Func<object, object?>, Action<object, object?>)[] FindAccessors()
    {
        var properties = OpenHandsJsonContext.Default.LlmDocument.Properties;
        var secretTyped = properties.Where(p => p.PropertyType == typeof(SecretString)).Select(p => p.Name).ToList();
        if (!secretTyped.SequenceEqual(LlmFieldNames))
        {
            throw new InvalidOperationException(
                $"The secret fields of the LLM contract ({string.Join(", ", secretTyped)}) differ from SecretFields.LlmFieldNames.");
        }

        return [.. LlmFieldNames.Select(n => properties.Single(p => p.Name == n)).Select(p => (p.Name, p.Get!, p.Set!))];
    }
}
