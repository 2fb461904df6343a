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
        McpConfigDocument document;
        try
        {
            document = json.Deserialize(Options.Contract<McpConfigDocument>()) ?? throw new LlmFormatException("'mcp_config' must be an object");
        }
        catch (JsonException ex)
        {
            throw new LlmFormatException("'mcp_config' " + JsonErrors.Describe(ex), ex);
        }

        return Read(document, cipher);
    }

    /// <summary>Reads a configuration already read as a document (a request's <c>agent.mcp_config</c>).</summary>
    /// <exception cref="LlmFormatException">The document is not an MCP configuration.</exception>
    public static McpConfig Read(McpConfigDocument document, Cipher? cipher)
    {
        var servers = document.McpServers;
        if (servers is null && document.Unknown is { Count: > 0 } flat)
        {
            // The flat shape of agent settings ({name: server}) has no "mcpServers" wrapper.
            servers = new Dictionary<string, McpServerDocument?>(StringComparer.Ordinal);
            foreach (var (name, value) in flat)
            {
                try
                {
                    servers[name] = value.Deserialize(Options.Contract<McpServerDocument>());
                }
                catch (JsonException ex)
                {
                    throw new LlmFormatException($"'mcp_config.{name}' " + JsonErrors.Describe(ex), ex);
                }
            }
        }

        var builder = ImmutableDictionary.CreateBuilder<string, McpServerConfig>(StringComparer.Ordinal);
        foreach (var (name, server) in servers ?? [])
        {
            builder[name] = Server(name, server ?? throw new LlmFormatException($"MCP server '{name}' must be an object"), cipher);
        }

        return new McpConfig { Servers = builder.ToImmutable() };
    }

    /// <summary>One server from the fields of a request (<c>POST /api/mcp/test</c>).</summary>
    /// <exception cref="LlmFormatException">The server has neither a command nor a usable URL.</exception>
    public static McpServerConfig ReadServer(string name, McpServerDocument server) => Server(name, server, cipher: null);

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
