using System.Collections.Immutable;

namespace OpenHands.Sdk.Security;

/// <summary>
/// What is secret by name: the secret fields of an LLM and the credential-carrying headers. Pure rules, so this part of
/// <see cref="SecretFields"/> is compiled into the agent server as well (its copy of the documents and converters).
/// </summary>
internal static partial class SecretFields
{
    /// <summary>The JSON names of the secret fields of an LLM, in the order the Python SDK declares them.</summary>
    public static ImmutableArray<string> LlmFieldNames { get; } = ["api_key", "aws_access_key_id", "aws_secret_access_key", "aws_session_token"];

    /// <summary>
    /// Whether the value of header <paramref name="name"/> is a credential: <c>Authorization</c>, <c>api-key</c>,
    /// <c>x-api-key</c>, and any header whose name contains <c>auth</c>, <c>key</c>, <c>token</c>, <c>secret</c>,
    /// <c>cookie</c> or <c>password</c> (ignoring case).
    /// </summary>
    public static bool IsSensitiveHeader(string name) =>
        name.Contains("auth", StringComparison.OrdinalIgnoreCase) || name.Contains("key", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || name.Contains("cookie", StringComparison.OrdinalIgnoreCase) || name.Contains("password", StringComparison.OrdinalIgnoreCase);
}
