namespace OpenHands.Sdk.Llms;

/// <summary>How an <see cref="Llm"/> authenticates with its provider (JSON field <c>auth_type</c>).</summary>
public enum LlmAuthType
{
    /// <summary>An API key (<c>"api_key"</c>), the default.</summary>
    ApiKey = 0,

    /// <summary>A vendor subscription login (<c>"subscription"</c>); no key, base URL or extra headers are persisted.</summary>
    Subscription = 1,
}
