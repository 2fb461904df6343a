using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>Kept for callers not yet moved: forwards to the one context, <see cref="OpenHandsJsonContext"/>.</summary>
internal static class ConversationJsonContext
{
    public static OpenHandsJsonContext Default => OpenHandsJsonContext.Default;
}
