using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenHands.Sdk.Security.Internal;

/// <summary>
/// Re-encrypts the Fernet tokens wherever they sit in a JSON document whose secrets have no contract of their own here
/// (<c>settings.json</c> as a Python server or an older version wrote it: MCP env and headers, custom secrets).
/// </summary>
internal static class FernetTokens
{
    /// <summary>
    /// The document with every token that <paramref name="target"/>'s current key did not make decrypted with
    /// <paramref name="read"/> and encrypted with <paramref name="target"/>; <see langword="null"/> when nothing needs it
    /// (or the bytes are not JSON: the store's own reads report that).
    /// </summary>
    /// <exception cref="SecretDecryptionException">A token fits none of <paramref name="read"/>'s keys.</exception>
    public static byte[]? Reencrypt(ReadOnlySpan<byte> utf8, Cipher read, Cipher target, string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8);
        }
        catch (JsonException)
        {
            return null;
        }

        var changed = false;
        Visit(root, "$", read, target, path, ref changed);
        return changed ? JsonSerializer.SerializeToUtf8Bytes(root, Options.GetTypeInfo(typeof(JsonNode))) : null;
    }

    private static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        TypeInfoResolver = Serialization.OpenHandsJsonContext.Default,
    };

    private static void Visit(JsonNode? node, string at, Cipher read, Cipher target, string path, ref bool changed)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (Replacement(obj[key], $"{at}.{key}", read, target, path) is { } text)
                    {
                        obj[key] = text;
                        changed = true;
                    }
                    else
                    {
                        Visit(obj[key], $"{at}.{key}", read, target, path, ref changed);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (Replacement(array[i], $"{at}[{i}]", read, target, path) is { } text)
                    {
                        array[i] = text;
                        changed = true;
                    }
                    else
                    {
                        Visit(array[i], $"{at}[{i}]", read, target, path, ref changed);
                    }
                }

                break;
        }
    }

    /// <summary>The new token for a token-shaped string that needs one; <see langword="null"/> for anything else.</summary>
    private static string? Replacement(JsonNode? node, string at, Cipher read, Cipher target, string path)
    {
        if (node is not JsonValue value || !value.TryGetValue<string>(out var text) || !Cipher.LooksEncrypted(text) || target.IsCurrent(text))
        {
            return null;
        }

        return read.TryDecrypt(text, out var plain)
            ? target.Encrypt(plain)
            : throw new SecretDecryptionException(
                $"Cannot decrypt the secret at '{at}' of '{path}': no configured key (OH_SECRET_KEY, OH_SECRET_KEY_PREVIOUS) decrypts it. "
                + "Set the key it was saved with as OH_SECRET_KEY, or remove the value.");
    }
}
