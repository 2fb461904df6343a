namespace OpenHands.Sdk.Llms.Internal;

/// <summary>Default values shared by <see cref="Llm"/> and its JSON codec.</summary>
internal static class LlmDefaults
{
    public const string AzureApiVersion = "2024-12-01-preview";
    public const string OpenRouterSiteUrl = "https://docs.all-hands.dev/";
    public const string OpenRouterAppName = "OpenHands";
    public const int ProfileSchemaVersion = 1;
}
