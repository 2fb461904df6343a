using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Settings.Internal;

/// <summary>Kept for callers not yet moved: forwards to the one context, <see cref="OpenHandsJsonContext"/>.</summary>
internal static class SettingsJsonContext
{
    public static OpenHandsJsonContext Default => OpenHandsJsonContext.Default;
}
