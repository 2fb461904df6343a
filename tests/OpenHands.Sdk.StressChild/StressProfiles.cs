using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.StressChild;

/// <summary>
/// Makes random but self-checking profiles: each one carries a digest of its own model, key and padding in
/// <c>litellm_extra_body</c>, so a reader can tell a whole profile from one mixed out of two writes.
/// </summary>
public static class StressProfiles
{
    public const string KeyPrefix = "sk-test-stress-";
    public const string PadField = "stress_pad";
    public const string PadLengthField = "stress_pad_length";
    public const string DigestField = "stress_digest";

    private static readonly string[] Models =
    [
        "openai/gpt-4o",
        "openai/gpt-4o-mini",
        "anthropic/claude-sonnet-4-5",
        "anthropic/claude-haiku-4-5",
        "azure/gpt-4o",
        "gemini/gemini-2.5-pro",
        "mistral/mistral-large-latest",
        "ollama/llama3.1",
    ];

    private const string PadAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 äöü€\"\\/\n";

    /// <summary>A random profile: small (no padding) or padded to a few KB up to about 100 KB.</summary>
    public static Llm Create(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var padLength = random.Next(4) switch
        {
            0 => 0,
            1 => random.Next(256, 4_096),
            2 => random.Next(4_096, 32_768),
            _ => random.Next(32_768, 100_000),
        };
        var pad = string.Create(padLength, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = PadAlphabet[r.Next(PadAlphabet.Length)];
            }
        });
        var model = Models[random.Next(Models.Length)];
        var key = KeyPrefix + random.NextInt64().ToString("x16", CultureInfo.InvariantCulture);
        var extra = ImmutableDictionary<string, JsonElement>.Empty
            .Add(PadField, JsonSerializer.SerializeToElement(pad))
            .Add(PadLengthField, JsonSerializer.SerializeToElement(padLength))
            .Add(DigestField, JsonSerializer.SerializeToElement(Digest(model, key, pad)));
        return new Llm(model)
        {
            ApiKey = new SecretString(key),
            Temperature = Math.Round(random.NextDouble() * 2, 3),
            TopP = Math.Round(random.NextDouble(), 3),
            MaxOutputTokens = random.Next(1, 65_536),
            Seed = random.Next(),
            BaseUrl = random.Next(3) == 0 ? "https://llm.example.test/v1" : null,
            LitellmExtraBody = extra,
        };
    }

    /// <summary>Throws <see cref="InvalidDataException"/> unless <paramref name="llm"/> is a whole profile made by <see cref="Create"/>.</summary>
    public static void Verify(string name, Llm llm)
    {
        ArgumentNullException.ThrowIfNull(llm);
        var key = llm.ApiKey?.Reveal();
        if (key is null || !key.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Profile '{name}': the api key is missing or is not a test key.");
        }

        if (!Models.Contains(llm.Model))
        {
            throw new InvalidDataException($"Profile '{name}': unexpected model '{llm.Model}'.");
        }

        if (!llm.LitellmExtraBody.TryGetValue(PadField, out var pad) || pad.ValueKind != JsonValueKind.String
            || !llm.LitellmExtraBody.TryGetValue(PadLengthField, out var padLength) || padLength.ValueKind != JsonValueKind.Number
            || !llm.LitellmExtraBody.TryGetValue(DigestField, out var digest) || digest.ValueKind != JsonValueKind.String)
        {
            throw new InvalidDataException($"Profile '{name}': the stress fields in litellm_extra_body are missing.");
        }

        var padText = pad.GetString()!;
        if (padText.Length != padLength.GetInt32())
        {
            throw new InvalidDataException($"Profile '{name}': the padding has {padText.Length} characters, not {padLength.GetInt32()}.");
        }

        if (digest.GetString() != Digest(llm.Model, key, padText))
        {
            throw new InvalidDataException($"Profile '{name}': the digest does not match the model, key and padding.");
        }
    }

    private static string Digest(string model, string key, string pad) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(model + "\n" + key + "\n" + pad)))[..32];
}
