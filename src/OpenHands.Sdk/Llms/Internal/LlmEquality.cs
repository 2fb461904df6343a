using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Llms.Internal;

/// <summary>
/// Field-wise equality of two <see cref="Llm"/>s: every field of the JSON contract except <c>usage_id</c>, plus the
/// unknown fields. Taking the fields from the contract means a field added to <see cref="LlmDocument"/> is compared
/// without anyone remembering to; nothing is serialized.
/// </summary>
internal static class LlmEquality
{
    private static readonly (string Name, Func<object, object?> Get)[] Fields =
    [
        .. OpenHandsJsonContext.Default.LlmDocument.Properties
            .Where(p => p.Name != "usage_id" && p.Get is not null && !p.IsExtensionData)
            .Select(p => (p.Name, p.Get!)),
    ];

    public static bool FieldsEqual(LlmDocument left, LlmDocument right)
    {
        // A subscription LLM persists no key, base URL or headers, so they do not make two of them different.
        var subscription = left.AuthType == LlmAuthType.Subscription && right.AuthType == LlmAuthType.Subscription;
        foreach (var (name, get) in Fields)
        {
            if (subscription && name is "api_key" or "base_url" or "extra_headers")
            {
                continue;
            }

            if (!ValueEquals(get(left), get(right)))
            {
                return false;
            }
        }

        return MapEquals(left.AdditionalProperties, right.AdditionalProperties);
    }

    private static bool ValueEquals(object? left, object? right) => (left, right) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (SecretString a, SecretString b) => a.Equals(b),
        (ImmutableDictionary<string, JsonElement> a, ImmutableDictionary<string, JsonElement> b) => MapEquals(a, b),
        (ImmutableDictionary<string, string> a, ImmutableDictionary<string, string> b) => HeadersEqual(a, b),
        (FallbackStrategyDocument a, FallbackStrategyDocument b) => (a.FallbackLlms ?? []).SequenceEqual(b.FallbackLlms ?? [], StringComparer.Ordinal)
            && MapEquals(a.Unknown?.ToImmutableDictionary() ?? ImmutableDictionary<string, JsonElement>.Empty, b.Unknown?.ToImmutableDictionary() ?? ImmutableDictionary<string, JsonElement>.Empty),
        _ => left.Equals(right),
    };

    private static bool MapEquals(ImmutableDictionary<string, JsonElement> left, ImmutableDictionary<string, JsonElement> right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        foreach (var (key, value) in left)
        {
            if (!right.TryGetValue(key, out var other) || !JsonElement.DeepEquals(value, other))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Header values may be credentials (<see cref="SecretFields.IsSensitiveHeader"/>): all are compared in constant time.</summary>
    private static bool HeadersEqual(ImmutableDictionary<string, string> left, ImmutableDictionary<string, string> right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        foreach (var (key, value) in left)
        {
            if (!right.TryGetValue(key, out var other)
                || !CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(value.AsSpan()), MemoryMarshal.AsBytes(other.AsSpan())))
            {
                return false;
            }
        }

        return true;
    }
}
