using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Profiles.Internal;

/// <summary>
/// The names <see cref="ProfileMaterializer"/> (and the remote client's materialize) may give a raw <see cref="Llm"/>:
/// <c>Default</c>, else a name derived from the whole content. One rule, used in-process and over REST alike.
/// </summary>
/// <remarks>
/// The content name is <c>Default-</c> and the first 12 hex digits of a domain-separated SHA-256 of the LLM's persisted
/// fields (secrets included, so two LLMs that differ only in their key get different names; <c>usage_id</c> and
/// provenance excluded, as in <see cref="Llm.Equals(Llm?)"/>). Twelve hex digits are 48 bits: a collision is
/// astronomically rare and shows nothing usable about a key. Should one happen anyway, the next candidates take 16, 20,
/// … 56 digits of the same digest, so the outcome is the same in every process.
/// </remarks>
internal static class ProfileNaming
{
    /// <summary>The fewest hex digits of the digest in a content name.</summary>
    public const int FirstDigits = 12;

    private const int DigitStep = 4;

    /// <summary>Separates this digest from any other SHA-256 of the same bytes.</summary>
    private static readonly byte[] Domain = "OpenHands.Sdk materialized LLM profile name v1\n"u8.ToArray();

    private static readonly string Prefix = ProfileName.Default.Value + "-";

    /// <summary>The lowercase hex SHA-256 of <paramref name="llm"/>'s content, domain-separated.</summary>
    public static string Fingerprint(Llm llm)
    {
        ArgumentNullException.ThrowIfNull(llm);
        // A fixed usage_id: it is a runtime label, not content (equality ignores it too).
        var document = LlmJsonCodec.ToUtf8Bytes(llm with { UsageId = "default", SourceProfile = null }, SecretExposure.Plaintext, cipher: null, isProfileFile: false);
        var canonical = new ArrayBufferWriter<byte>(document.Length + Domain.Length);
        canonical.Write(Domain);

        // Hand-written on purpose: the canonical form (keys sorted ordinally at every depth) of an arbitrary document is
        // what the digest, and so every persisted content name, is computed from; its bytes must never change.
        using (var writer = new Utf8JsonWriter(canonical))
        {
            WriteCanonical(writer, JsonNode.Parse(document));
        }

        var digest = SHA256.HashData(canonical.WrittenSpan);

        // The buffers held the plaintext key: zeroed, so it does not linger in freed memory.
        CryptographicOperations.ZeroMemory(document);
        canonical.Clear();
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>The content names for a fingerprint, in the order they are tried.</summary>
    public static IEnumerable<ProfileName> ContentNames(string fingerprint)
    {
        for (var digits = FirstDigits; digits <= ProfileName.MaxLength - Prefix.Length && digits <= fingerprint.Length; digits += DigitStep)
        {
            yield return ProfileName.Create(Prefix + fingerprint[..digits]);
        }
    }

    /// <summary>Whether <paramref name="name"/> is one of the content names of <paramref name="fingerprint"/>.</summary>
    public static bool IsContentName(ProfileName name, string fingerprint) =>
        name.Value.StartsWith(Prefix, StringComparison.Ordinal)
        && name.Value.Length - Prefix.Length >= FirstDigits
        && fingerprint.StartsWith(name.Value[Prefix.Length..], StringComparison.Ordinal);

    /// <summary>Writes JSON with the properties of every object sorted ordinally, so equal content hashes equally.</summary>
    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                writer.WriteStartObject();
                foreach (var (key, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteCanonical(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray a:
                writer.WriteStartArray();
                foreach (var item in a)
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
