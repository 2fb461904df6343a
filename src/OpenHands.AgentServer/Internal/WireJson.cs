using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;

namespace OpenHands.AgentServer.Internal;

/// <summary>The JSON options of the wire: the SDK's one source-generated context, secrets redacted unless a route says otherwise.</summary>
internal static class WireJson
{
    public const string ContentType = "application/json; charset=utf-8";

    public static JsonSerializerOptions Options => OpenHandsJson.Redacted;

    /// <summary>The contract of a wire type (a cached lookup; no reflection).</summary>
    public static JsonTypeInfo<T> Contract<T>() => OpenHandsJson.Redacted.Contract<T>();

    /// <summary>The contract of a wire type whose LLMs carry secrets as <paramref name="exposure"/> says.</summary>
    public static JsonTypeInfo<T> Contract<T>(SecretExposure exposure, Cipher? cipher) => OpenHandsJson.For(exposure, cipher, indented: false).Contract<T>();
}
