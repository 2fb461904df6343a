using Microsoft.AspNetCore.Http;
using OpenHands.Sdk.Security;

namespace OpenHands.AgentServer.Internal;

/// <summary>Parses <c>X-Expose-Secrets</c> as the reference does: absent = redacted, <c>encrypted</c>/<c>true</c>, <c>plaintext</c>, else 400.</summary>
internal static class ExposeSecretsHeader
{
    public const string Name = "X-Expose-Secrets";

    public static SecretExposure Parse(string? header, Cipher? cipher)
    {
        var raw = header ?? string.Empty;
        var value = raw.Trim().ToLowerInvariant();
        var exposure = value switch
        {
            "" => SecretExposure.Redacted,
            "encrypted" or "true" => SecretExposure.Encrypted,
            "plaintext" => SecretExposure.Plaintext,
            _ => throw new ApiException(StatusCodes.Status400BadRequest,
                $"Invalid X-Expose-Secrets header value: '{raw}'. Valid values are: 'encrypted', 'plaintext'."),
        };
        if (exposure == SecretExposure.Encrypted && cipher is null)
        {
            throw new ApiException(StatusCodes.Status503ServiceUnavailable,
                "Encryption not available: OH_SECRET_KEY is not configured. Cannot return encrypted secrets.");
        }

        return exposure;
    }
}
