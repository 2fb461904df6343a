using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization.Converters;

namespace OpenHands.Sdk.Serialization.Documents;

/// <summary>
/// The fields of an <see cref="Llm"/>, declared once: their JSON names and order (the Python SDK's <c>LLM</c>), defaults,
/// range checks and the JSON contract. <see cref="Llm"/> is the immutable public face of one instance, and each
/// <see cref="Llm"/> owns its own copy (a <c>with</c> expression copies it).
/// </summary>
/// <remarks>
/// Written with <see cref="JsonIgnoreCondition.WhenWritingNull"/>, except the nullable fields that have a non-null
/// default, which are written as an explicit <see langword="null"/> so they read back as null in both SDKs. The rules
/// that depend on where the LLM is written (profile file or not, subscription, provider connection, usage id) are
/// in <see cref="ApplyWriteRules"/>; how secrets are written is chosen by the options (<see cref="OpenHandsJson"/>).
/// </remarks>
internal sealed class LlmDocument
{
    public string Model
    {
        get;
        set
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Model));
            field = !string.IsNullOrWhiteSpace(value) ? value : throw new ArgumentException("Model must be a non-empty string.", nameof(Model));
        }
    } = null!;

    public SecretString? ApiKey { get; set; }

    public string? ProviderConnectionId { get; set; }

    [JsonConverter(typeof(LlmAuthTypeConverter))]
    public LlmAuthType AuthType { get; set; }

    public string? SubscriptionVendor { get; set; }

    public string? BaseUrl
    {
        get => field is not null && Model?.StartsWith("openai/", StringComparison.Ordinal) == true
            && field is "https://api.openai.com" or "https://api.openai.com/" ? null : field;
        set;
    }

    public string? ApiVersion
    {
        get => string.IsNullOrEmpty(field) && Model?.StartsWith("azure/", StringComparison.Ordinal) == true ? LlmDefaults.AzureApiVersion : field;
        set;
    }

    public SecretString? AwsAccessKeyId { get; set; }

    public SecretString? AwsSecretAccessKey { get; set; }

    public SecretString? AwsSessionToken { get; set; }

    public string? AwsRegionName { get; set; }

    public string? AwsProfileName { get; set; }

    public string? AwsRoleName { get; set; }

    public string? AwsSessionName { get; set; }

    public string? AwsBedrockRuntimeEndpoint { get; set; }

    [JsonPropertyName("openrouter_site_url")]
    public string OpenRouterSiteUrl { get; set => field = value ?? throw new ArgumentNullException(nameof(OpenRouterSiteUrl)); } = LlmDefaults.OpenRouterSiteUrl;

    [JsonPropertyName("openrouter_app_name")]
    public string OpenRouterAppName { get; set => field = value ?? throw new ArgumentNullException(nameof(OpenRouterAppName)); } = LlmDefaults.OpenRouterAppName;

    public int NumRetries { get; set => field = NotNegative(value, nameof(NumRetries)); } = 5;

    [JsonConverter(typeof(PythonFloatConverter))]
    public double RetryMultiplier { get; set => field = NotNegative(value, nameof(RetryMultiplier)); } = 8.0;

    public int RetryMinWait { get; set => field = NotNegative(value, nameof(RetryMinWait)); } = 8;

    public int RetryMaxWait { get; set => field = NotNegative(value, nameof(RetryMaxWait)); } = 64;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? Timeout { get; set => field = NotNegative(value, nameof(Timeout)); } = 300;

    public int MaxMessageChars { get; set => field = Positive(value, nameof(MaxMessageChars)); } = 30000;

    [JsonConverter(typeof(PythonFloatConverter))]
    public double? Temperature { get; set => field = NotNegative(value, nameof(Temperature)); }

    [JsonConverter(typeof(PythonFloatConverter))]
    public double? TopP
    {
        get;
        set => field = value is < 0 or > 1 || (value is { } v && double.IsNaN(v))
            ? throw new ArgumentOutOfRangeException(nameof(TopP), value, "TopP (top_p) must be between 0 and 1.")
            : value;
    }

    [JsonConverter(typeof(PythonFloatConverter))]
    public double? TopK { get; set => field = NotNegative(value, nameof(TopK)); }

    public int? MaxInputTokens { get; set => field = Positive(value, nameof(MaxInputTokens)); }

    public int? MaxOutputTokens { get; set => field = Positive(value, nameof(MaxOutputTokens)); }

    public string? ModelCanonicalName { get; set; }

    [JsonConverter(typeof(LlmApiModeConverter))]
    public LlmApiMode ApiMode { get; set; }

    public ImmutableDictionary<string, JsonElement> CapabilityOverrides { get; set => field = value ?? ImmutableDictionary<string, JsonElement>.Empty; }
        = ImmutableDictionary<string, JsonElement>.Empty;

    public ImmutableDictionary<string, string>? ExtraHeaders { get; set; }

    [JsonConverter(typeof(PythonFloatConverter))]
    public double? InputCostPerToken { get; set => field = NotNegative(value, nameof(InputCostPerToken)); }

    [JsonConverter(typeof(PythonFloatConverter))]
    public double? OutputCostPerToken { get; set => field = NotNegative(value, nameof(OutputCostPerToken)); }

    public string? OllamaBaseUrl { get; set; }

    public bool Stream { get; set; }

    public bool DropParams { get; set; } = true;

    public bool? DisableVision { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public bool? DisableStopWord { get; set; } = false;

    public bool CachingPrompt { get; set; } = true;

    public bool LogCompletions { get; set; }

    public string? LogCompletionsFolder { get; set; }

    public string? CustomTokenizer { get; set; }

    public bool NativeToolCalling { get; set; } = true;

    public bool? ForceStringSerializer { get; set; }

    public bool? InlineImageUrls { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ReasoningEffort { get; set; } = "high";

    public string? ReasoningSummary
    {
        get;
        set => field = value is null or "auto" or "concise" or "detailed" ? value
            : throw new ArgumentOutOfRangeException(nameof(ReasoningSummary), "ReasoningSummary (reasoning_summary) must be 'auto', 'concise' or 'detailed'.");
    }

    public bool EnableEncryptedReasoning { get; set; } = true;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PromptCacheRetention { get; set; } = "24h";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? ExtendedThinkingBudget { get; set; } = 200000;

    public int? Seed { get; set; }

    public string UsageId { get; set { ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(UsageId)); field = value; } } = "default";

    public ImmutableDictionary<string, JsonElement> LitellmExtraBody { get; set => field = value ?? ImmutableDictionary<string, JsonElement>.Empty; }
        = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>
    /// Gets or sets the Python SDK's <c>fallback_strategy</c>: <c>{"fallback_llms": [profile names]}</c> (issue 14, item 7).
    /// The Python SDK reads it from a profile file and never writes it; its other fields (<c>profile_store_dir</c>) are kept.
    /// </summary>
    public FallbackStrategyDocument? FallbackStrategy
    {
        get;
        set
        {
            foreach (var name in value?.FallbackLlms ?? [])
            {
                if (!ProfileName.TryCreate(name, out _))
                {
                    throw new ArgumentException(
                        $"'{name}' is not a profile name. FallbackStrategy (fallback_strategy.fallback_llms) lists profile names: 1-64 letters, digits, '.', '_' or '-'.",
                        nameof(FallbackStrategy));
                }
            }

            field = value;
        }
    }

    /// <summary>Gets whether this is a subscription LLM; a JSON <see langword="true"/> makes it one when read (older files carry only this flag).</summary>
    [JsonConverter(typeof(LooseBooleanConverter))]
    public bool IsSubscription { get => AuthType == LlmAuthType.Subscription; set => SubscriptionFlagRead |= value; }

    /// <summary>Gets or sets the fields this version does not know, in the form the public <see cref="Llm"/> keeps them.</summary>
    [JsonIgnore]
    public ImmutableDictionary<string, JsonElement> AdditionalProperties { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>Gets or sets the unknown fields while reading, and what follows <c>is_subscription</c> while writing.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }

    /// <summary>Gets or sets whether <c>is_subscription: true</c> was read (applied after the whole object is read).</summary>
    [JsonIgnore]
    internal bool SubscriptionFlagRead { get; set; }

    /// <summary>Gets or sets whether this copy is being written as a profile file (no inline key or base URL for a provider connection).</summary>
    [JsonIgnore]
    internal bool WritingProfileFile { get; set; }

    /// <summary>Gets or sets whether this copy is being written without <c>usage_id</c>.</summary>
    [JsonIgnore]
    internal bool WritingWithoutUsageId { get; set; }

    /// <summary>
    /// Gets or sets whether a missing <c>api_key</c> is written as an explicit <see langword="null"/>: the agent-server's
    /// redacted marker in profile details and conversation infos (where Python answers <c>"api_key": null</c>).
    /// </summary>
    [JsonIgnore]
    internal bool WritingKeyAsNull { get; set; }

    /// <summary>Gets whether the key and base URL are written: never for a subscription, nor in a profile file linked to a provider connection.</summary>
    private bool WritesConnection =>
        AuthType != LlmAuthType.Subscription && !(WritingProfileFile && !string.IsNullOrEmpty(ProviderConnectionId));

    /// <summary>A copy that shares no mutable state with this instance (the maps are immutable).</summary>
    public LlmDocument Clone() => (LlmDocument)MemberwiseClone();

    /// <summary>The write rules that depend on the instance being written, as conditions on the contract.</summary>
    internal static void ApplyWriteRules(JsonTypeInfo info)
    {
        if (info.Type != typeof(LlmDocument))
        {
            return;
        }

        foreach (var property in info.Properties)
        {
            property.ShouldSerialize = property.Name switch
            {
                "api_key" => static (target, value) => (value is not null || ((LlmDocument)target).WritingKeyAsNull) && ((LlmDocument)target).WritesConnection,
                "base_url" => static (target, value) => value is not null && ((LlmDocument)target).WritesConnection,
                "extra_headers" => static (target, value) => value is not null && ((LlmDocument)target).AuthType != LlmAuthType.Subscription,
                "usage_id" => static (target, _) => !((LlmDocument)target).WritingWithoutUsageId,
                _ => property.ShouldSerialize,
            };
        }
    }

    private static int NotNegative(int value, string name) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must not be negative.");

    private static int? NotNegative(int? value, string name) => value is { } v ? NotNegative(v, name) : null;

    private static double NotNegative(double value, string name) =>
        value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and not negative.");

    private static double? NotNegative(double? value, string name) => value is { } v ? NotNegative(v, name) : null;

    private static int Positive(int value, string name) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");

    private static int? Positive(int? value, string name) => value is { } v ? Positive(v, name) : null;
}

/// <summary>The Python SDK's <c>FallbackStrategy</c>: the profiles to try, in order, when the primary's provider fails.</summary>
internal sealed class FallbackStrategyDocument
{
    public List<string>? FallbackLlms { get; set; }

    /// <summary>Gets or sets the other fields (<c>profile_store_dir</c>): kept for the Python SDK, unused here (profiles resolve through the conversation's store).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}
