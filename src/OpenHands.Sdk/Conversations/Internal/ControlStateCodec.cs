using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Agents.Security;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// The control parts of <c>base_state.json</c> in the Python SDK's shape: <c>confirmation_policy</c>,
/// <c>security_analyzer</c> and <c>secret_registry</c> (Fernet tokens only: a secret without a token is not written).
/// </summary>
internal static class ControlStateCodec
{
    private const string StaticSecretKind = "StaticSecret";

    public static ConfirmationPolicyDocument WritePolicy(ConfirmationPolicy policy) => new()
    {
        Threshold = policy is ConfirmRisky risky ? RiskName(risky.Threshold) : null,
        ConfirmUnknown = policy is ConfirmRisky r ? r.ConfirmUnknown : null,
        Unknown = UnknownFields.ForWrite(ImmutableDictionary<string, JsonElement>.Empty, "kind", UnknownFields.Element(policy.Kind)),
    };

    /// <summary>Reads a policy; a missing one is <see cref="NeverConfirm"/>.</summary>
    /// <exception cref="LlmFormatException">The kind or the threshold is not one the Python SDK writes.</exception>
    public static ConfirmationPolicy ReadPolicy(ConfirmationPolicyDocument? document)
    {
        if (document is null)
        {
            return ConfirmationPolicy.Never;
        }

        var kind = UnknownFields.RemoveString(document.Unknown, "kind");
        return kind switch
        {
            "NeverConfirm" or null => ConfirmationPolicy.Never,
            "AlwaysConfirm" => ConfirmationPolicy.Always,
            "ConfirmRisky" => new ConfirmRisky
            {
                Threshold = document.Threshold is null ? SecurityRisk.High : ParseRisk(document.Threshold) is { } t and not SecurityRisk.Unknown
                    ? t : throw new LlmFormatException($"field 'confirmation_policy.threshold' must be LOW, MEDIUM or HIGH, not '{document.Threshold}'"),
                ConfirmUnknown = document.ConfirmUnknown ?? true,
            },
            _ => throw new LlmFormatException($"field 'confirmation_policy.kind' is '{kind}'; expected NeverConfirm, AlwaysConfirm or ConfirmRisky"),
        };
    }

    /// <summary>Reads a policy from JSON such as <c>{"kind": "ConfirmRisky", "threshold": "MEDIUM"}</c> (what a request carries).</summary>
    /// <exception cref="LlmFormatException">The JSON is not a confirmation policy.</exception>
    public static ConfirmationPolicy ReadPolicy(JsonElement json)
    {
        try
        {
            return ReadPolicy(json.Deserialize(OpenHandsJson.Redacted.Contract<ConfirmationPolicyDocument>()));
        }
        catch (JsonException ex)
        {
            throw new LlmFormatException(JsonErrors.Describe(ex), ex);
        }
    }

    public static JsonElement? WriteAnalyzer(ISecurityAnalyzer? analyzer, JsonElement? unknown) => analyzer is null
        ? unknown
        : JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["kind"] = analyzer.Kind }, OpenHandsJsonContext.Default.DictionaryStringString);

    /// <summary>Reads an analyzer: a kind this SDK knows becomes one; another kind is kept as JSON and rates nothing.</summary>
    public static (ISecurityAnalyzer? Analyzer, JsonElement? Unknown) ReadAnalyzer(JsonElement? json)
    {
        if (json is not { ValueKind: JsonValueKind.Object } value)
        {
            return (null, null);
        }

        var kind = value.Deserialize(OpenHandsJson.Redacted.Contract<EventKindDocument>())?.Kind;
        return kind == PatternSecurityAnalyzer.KindName ? (new PatternSecurityAnalyzer(), null) : (null, value.Clone());
    }

    public static SecretRegistryDocument WriteSecrets(ImmutableDictionary<string, SecretEntry> secrets)
    {
        var sources = new Dictionary<string, SecretSourceDocument?>(StringComparer.Ordinal);
        foreach (var (name, entry) in secrets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (entry.Token is { } token)
            {
                sources[name] = new SecretSourceDocument
                {
                    Value = token,
                    Description = entry.Description,
                    Unknown = UnknownFields.ForWrite(ImmutableDictionary<string, JsonElement>.Empty, "kind", UnknownFields.Element(StaticSecretKind)),
                };
            }
        }

        return new SecretRegistryDocument { SecretSources = sources };
    }

    /// <summary>Reads the persisted tokens; the conversation decrypts them with its cipher.</summary>
    public static ImmutableDictionary<string, SecretEntry> ReadSecrets(SecretRegistryDocument? document)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, SecretEntry>(StringComparer.Ordinal);
        foreach (var (name, source) in document?.SecretSources ?? [])
        {
            // Only tokens are kept: a redacted value ("**********") or plaintext written by another writer is not a
            // secret this conversation can use or should copy.
            if (source?.Value is { } value && Cipher.LooksEncrypted(value))
            {
                builder[name] = new SecretEntry(value, source.Description);
            }
        }

        return builder.ToImmutable();
    }

    public static string RiskName(SecurityRisk risk) => risk switch
    {
        SecurityRisk.Low => "LOW",
        SecurityRisk.Medium => "MEDIUM",
        SecurityRisk.High => "HIGH",
        _ => "UNKNOWN",
    };

    public static SecurityRisk? ParseRisk(string? text) => text switch
    {
        "LOW" => SecurityRisk.Low,
        "MEDIUM" => SecurityRisk.Medium,
        "HIGH" => SecurityRisk.High,
        "UNKNOWN" => SecurityRisk.Unknown,
        _ => null,
    };
}
