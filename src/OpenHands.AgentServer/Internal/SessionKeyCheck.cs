using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OpenHands.AgentServer.Internal;

/// <summary>Checks <c>X-Session-API-Key</c> against the configured keys in constant time.</summary>
internal sealed class SessionKeyCheck
{
    public const string HeaderName = "X-Session-API-Key";

    private readonly byte[][] _keyHashes;

    public SessionKeyCheck(IOptions<AgentServerOptions> options)
    {
        _keyHashes = [.. options.Value.SessionApiKeys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];
    }

    public bool IsOpen => _keyHashes.Length == 0;

    /// <summary>Whether <paramref name="presented"/> is one of the keys (case-sensitive); every key is compared, so timing tells nothing.</summary>
    public bool Accepts(string? presented)
    {
        if (IsOpen)
        {
            return true;
        }

        if (presented is null)
        {
            return false;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var match = false;
        foreach (var key in _keyHashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, key);
        }

        return match;
    }
}
