using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Agents.Mcp.Internal;

/// <summary>
/// Reads and writes <c>mcp_config</c> through <see cref="McpConfigDocument"/>. Environment values and headers are written
/// as the caller's <see cref="SecretExposure"/> says (conversation files: Fernet tokens, or <c>**********</c> without a
/// cipher); on read, tokens are decrypted and redacted values dropped.
/// </summary>
internal static class McpConfigCodec
{
    private static readonly JsonSerializerOptions Options = OpenHandsJson.Redacted;

    public static JsonElement Write(McpConfig config, SecretExposure exposure, Cipher? cipher)
    {
        var servers = new Dictionary<string, McpServerDocument?>(StringComparer.Ordinal);
        foreach (var (name, server) in config.Servers.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            servers[name] = server switch
            {
                McpStdioServerConfig s => new McpServerDocument
                {
                    Command = s.Command,
                    Args = [.. s.Args],
                    Env = Secrets(s.Env, exposure, cipher),
                    Cwd = s.WorkingDirectory,
                    Transport = "stdio",
                },
                McpHttpServerConfig h => new McpServerDocument
                {
                    Url = h.Url.ToString(),
                    Headers = h.Headers.Count == 0 ? null : Secrets(h.Headers, exposure, cipher),
                    Transport = h.Transport ?? "http",
                },
                _ => throw new NotSupportedException($"MCP server type {server.GetType().Name} cannot be written."),
            };
        }

        return JsonSerializer.SerializeToElement(new McpConfigDocument { McpServers = servers }, Options.Contract<McpConfigDocument>());
    }

    /// <exception cref="LlmFormatException">The JSON is not an MCP configuration.</exception>
    public static McpConfig Read(JsonElement json, Cipher? cipher)
    {
        Dictionary<string, McpServerDocument?>? servers;
        try
        {
            var document = json.Deserialize(Options.Contract<McpConfigDocument>()) ?? throw new LlmFormatException("'mcp_config' must be an object");
            // The flat shape of agent settings ({name: server}) has no "mcpServers" wrapper.
            servers = document.McpServers ?? (document.Unknown is { Count: > 0 }
                ? json.Deserialize(Options.Contract<Dictionary<string, McpServerDocument?>>())
                : null);
        }
        catch (JsonException ex)
        {
            throw new LlmFormatException("'mcp_config' " + JsonErrors.Describe(ex), ex);
        }

        var builder = ImmutableDictionary.CreateBuilder<string, McpServerConfig>(StringComparer.Ordinal);
        foreach (var (name, server) in servers ?? [])
        {
            builder[name] = Server(name, server ?? throw new LlmFormatException($"MCP server '{name}' must be an object"), cipher);
        }

        return new McpConfig { Servers = builder.ToImmutable() };
    }

    private static McpServerConfig Server(string name, McpServerDocument s, Cipher? cipher)
    {
        if (!string.IsNullOrWhiteSpace(s.Command))
        {
            return new McpStdioServerConfig(s.Command, s.Args) { Env = Secrets(s.Env, cipher), WorkingDirectory = s.Cwd };
        }

        if (!string.IsNullOrWhiteSpace(s.Url))
        {
            if (!Uri.TryCreate(s.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new LlmFormatException($"MCP server '{name}': 'url' must be an absolute http or https URL");
            }

            return new McpHttpServerConfig(url) { Headers = Secrets(s.Headers, cipher), Transport = s.Transport };
        }

        throw new LlmFormatException($"MCP server '{name}' needs a 'command' (stdio) or a 'url' (HTTP)");
    }

    private static Dictionary<string, string>? Secrets(ImmutableDictionary<string, SecretString> values, SecretExposure exposure, Cipher? cipher)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            result[key] = exposure switch
            {
                SecretExposure.Plaintext => value.Reveal(),
                SecretExposure.Encrypted when cipher is not null => cipher.Encrypt(value.Reveal()),
                _ => SecretString.Redacted,
            };
        }

        return result;
    }

    private static ImmutableDictionary<string, SecretString> Secrets(Dictionary<string, string>? values, Cipher? cipher)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, SecretString>(StringComparer.Ordinal);
        foreach (var (key, value) in values ?? [])
        {
            var plain = Cipher.LooksEncrypted(value) ? (cipher is not null && cipher.TryDecrypt(value, out var p) ? p : null) : value;
            if (SecretString.FromNullable(plain) is { } secret)
            {
                builder[key] = secret;
            }
        }

        return builder.ToImmutable();
    }
}
