using System.Collections.Immutable;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Agents.Mcp;

/// <summary>An MCP server reached over HTTP: Streamable HTTP, or server-sent events (<c>{"url", "headers", "transport"}</c>).</summary>
/// <remarks>The header values are secrets, kept as the environment values of <see cref="McpStdioServerConfig"/> are.</remarks>
public sealed record McpHttpServerConfig : McpServerConfig
{
    /// <summary>Initializes a new instance of the <see cref="McpHttpServerConfig"/> record.</summary>
    /// <param name="url">The server's endpoint, for example <c>http://127.0.0.1:3001/mcp</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="url"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="url"/> is not an absolute http or https URL.</exception>
    public McpHttpServerConfig(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The MCP server URL '{url}' must be an absolute http or https URL.", nameof(url));
        }

        Url = url;
    }

    /// <summary>Gets the server's endpoint.</summary>
    public Uri Url { get; }

    /// <summary>Gets the headers sent with every request (for example <c>Authorization</c>), as secrets.</summary>
    public ImmutableDictionary<string, SecretString> Headers { get; init; } = ImmutableDictionary<string, SecretString>.Empty;

    /// <summary>Gets the transport: <c>http</c> / <c>streamable-http</c> (Streamable HTTP, falling back to SSE) or <c>sse</c>.</summary>
    /// <value>The default is <see langword="null"/>: detected.</value>
    public string? Transport { get; init; }
}
