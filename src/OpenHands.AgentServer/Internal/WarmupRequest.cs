using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The start's requests to the server itself, over loopback, once it listens: they take the path every request takes
/// (Kestrel's connection and parser, the host's middleware, routing, authorization, a typed handler, a JSON answer), so
/// that its one-time work is not paid by a client. Only routes that touch no file are asked: <c>/alive</c> and
/// <c>/api/tools/</c> (answered 401 when session keys are configured: no key is sent).
/// </summary>
/// <remarks>
/// Sent with a plain socket rather than an <see cref="HttpClient"/>, which the server would otherwise compile for nothing.
/// Only a plain-HTTP address is used (an IP address, <c>localhost</c> or a Unix socket); an HTTPS-only server is not asked.
/// </remarks>
internal static class WarmupRequest
{
    /// <summary>The <c>User-Agent</c> of the start's requests, as request logs and traces show them.</summary>
    public const string UserAgent = "openhands-agent-server-warm-up";

    /// <summary>The routes asked, in order.</summary>
    public static readonly IReadOnlyList<string> Paths = ["/alive", "/api/tools/"];

    /// <summary>Sends each of <see cref="Paths"/> to the first usable address and reads each answer to its end.</summary>
    /// <returns>The address used, or <see langword="null"/> when none is plain HTTP.</returns>
    public static async Task<string?> SendAsync(IEnumerable<string> addresses, CancellationToken cancellationToken)
    {
        foreach (var address in addresses)
        {
            if (Target(address) is { } target)
            {
                foreach (var path in Paths)
                {
                    await SendOneAsync(target.EndPoint, target.Host, path, cancellationToken).ConfigureAwait(false);
                }

                return address;
            }
        }

        return null;
    }

    /// <summary>Where to connect for a listening address, and the <c>Host</c> header; <see langword="null"/> for HTTPS or a named pipe.</summary>
    internal static (EndPoint EndPoint, string Host)? Target(string address)
    {
        const string Http = "http://", Unix = "http://unix:", Pipe = "http://pipe:";
        if (address.StartsWith(Unix, StringComparison.OrdinalIgnoreCase))
        {
            return (new UnixDomainSocketEndPoint(address[Unix.Length..].TrimEnd('/')), "localhost");
        }

        if (!address.StartsWith(Http, StringComparison.OrdinalIgnoreCase) || address.StartsWith(Pipe, StringComparison.OrdinalIgnoreCase) || !Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return null;
        }

        var ip = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) ? parsed : IPAddress.Loopback;   // localhost or a host name: any loopback
        ip = ip.Equals(IPAddress.Any) ? IPAddress.Loopback : ip.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : ip;
        return (new IPEndPoint(ip, uri.Port), uri.Authority);
    }

    private static async Task SendOneAsync(EndPoint endPoint, string host, string path, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, endPoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        var request = Encoding.ASCII.GetBytes(
            $"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {UserAgent}\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
        await socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false) > 0)
            {
                // The answer is read to its end (the server closes the connection after it) and dropped.
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
