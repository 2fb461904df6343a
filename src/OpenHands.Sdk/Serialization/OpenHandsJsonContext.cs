using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Serialization;

/// <summary>
/// The one source-generated System.Text.Json context of the SDK: every persisted and wire shape (LLM profiles,
/// settings, conversation state, events) is a contract registered here, in the Python SDK's snake_case names.
/// </summary>
/// <remarks>
/// Unknown fields survive a round trip through <c>[JsonExtensionData]</c> on each contract. Python writes the event
/// discriminator <c>kind</c> last, hence <see cref="JsonSourceGenerationOptionsAttribute.AllowOutOfOrderMetadataProperties"/>.
/// Policies that depend on the caller (how secrets are written) live in converters added to the options, not in
/// attributes on public types.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true)]

// --- LLM, profiles, security ---
[JsonSerializable(typeof(JsonElement))]

// --- settings ---

// --- conversations, events ---

internal sealed partial class OpenHandsJsonContext : JsonSerializerContext;
