using System.Text.Json;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Agents.Security;

/// <summary>
/// A <see cref="ConfirmationPolicy"/> as JSON in the Python SDK's shape, such as
/// <c>{"kind": "ConfirmRisky", "threshold": "MEDIUM", "confirm_unknown": true}</c>: what conversation state stores and
/// the agent server's requests and answers carry.
/// </summary>
public static class ConfirmationPolicyJson
{
    /// <summary>Reads a policy. A missing <c>kind</c> is <c>NeverConfirm</c>; <c>ConfirmRisky</c> without a threshold is <c>HIGH</c>.</summary>
    /// <param name="json">The JSON object.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="JsonException">The JSON is not a policy: an unknown kind or threshold, or a field of the wrong type.</exception>
    public static ConfirmationPolicy Read(JsonElement json)
    {
        try
        {
            return ControlStateCodec.ReadPolicy(json);
        }
        catch (LlmFormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    /// <summary>Writes a policy as a JSON object (<c>kind</c> last, as the Python SDK writes it).</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>The JSON object.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is <see langword="null"/>.</exception>
    public static JsonElement ToElement(ConfirmationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return JsonSerializer.SerializeToElement(ControlStateCodec.WritePolicy(policy), OpenHandsJson.Redacted.Contract<ConfirmationPolicyDocument>());
    }
}
