using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Llms;

/// <summary>
/// Immutable configuration of one LLM: model, credentials, endpoint and call options.
/// Field for field the same as the Python SDK's <c>LLM</c>, with the same JSON names.
/// </summary>
/// <remarks>
/// <para>
/// Construct it in code (<c>new Llm("openai/gpt-4o") { ApiKey = new SecretString(key) }</c>) or resolve it
/// from a profile with <see cref="ProfileResolver"/>. Code-built instances need no store; when one crosses a
/// persistence or REST boundary, <see cref="ProfileMaterializer"/> turns it into a profile and only the
/// reference is kept.
/// </para>
/// <para>
/// Secrets are <see cref="SecretString"/> values, so <see cref="ToString"/> never shows them. JSON fields this
/// version does not know are kept in <see cref="AdditionalProperties"/> and written back unchanged.
/// </para>
/// <para>
/// Two instances are equal when everything that is persisted is equal, secrets included, ignoring
/// <see cref="UsageId"/> (a runtime label) and <see cref="SourceProfile"/>. Instances are thread-safe.
/// </para>
/// </remarks>
public sealed record Llm
{
    /// <summary>Initializes a new instance of the <see cref="Llm"/> record.</summary>
    /// <param name="model">The model, for example <c>openai/gpt-4o</c> or <c>anthropic/claude-sonnet-4-5</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty or white space.</exception>
    public Llm(string model) => Model = model;

    /// <summary>Gets the model name, with its provider prefix (<c>model</c>).</summary>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string Model
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(Model));
            field = value;
        }
    }

    /// <summary>Gets the API key (<c>api_key</c>).</summary>
    public SecretString? ApiKey { get; init; }

    /// <summary>Gets the id of a shared provider connection that supplies key and base URL (<c>provider_connection_id</c>).</summary>
    public string? ProviderConnectionId { get; init; }

    /// <summary>Gets how the LLM authenticates (<c>auth_type</c>).</summary>
    /// <value>The default is <see cref="LlmAuthType.ApiKey"/>.</value>
    public LlmAuthType AuthType { get; init; }

    /// <summary>Gets the subscription vendor, for <see cref="LlmAuthType.Subscription"/> (<c>subscription_vendor</c>).</summary>
    public string? SubscriptionVendor { get; init; }

    /// <summary>Gets the provider's base URL (<c>base_url</c>).</summary>
    /// <value>
    /// <see langword="null"/> for the provider default. For an <c>openai/</c> model the plain
    /// <c>https://api.openai.com</c> URL reads as <see langword="null"/>, as in the Python SDK.
    /// </value>
    public string? BaseUrl
    {
        get => field is not null && Model.StartsWith("openai/", StringComparison.Ordinal)
            && field is "https://api.openai.com" or "https://api.openai.com/" ? null : field;
        init;
    }

    /// <summary>Gets the API version, used by Azure OpenAI (<c>api_version</c>).</summary>
    /// <value>For an <c>azure/</c> model without a version: <c>2024-12-01-preview</c>.</value>
    public string? ApiVersion
    {
        get => string.IsNullOrEmpty(field) && Model.StartsWith("azure/", StringComparison.Ordinal) ? LlmDefaults.AzureApiVersion : field;
        init;
    }

    /// <summary>Gets the AWS access key id (<c>aws_access_key_id</c>).</summary>
    public SecretString? AwsAccessKeyId { get; init; }

    /// <summary>Gets the AWS secret access key (<c>aws_secret_access_key</c>).</summary>
    public SecretString? AwsSecretAccessKey { get; init; }

    /// <summary>Gets the AWS session token (<c>aws_session_token</c>).</summary>
    public SecretString? AwsSessionToken { get; init; }

    /// <summary>Gets the AWS region (<c>aws_region_name</c>).</summary>
    public string? AwsRegionName { get; init; }

    /// <summary>Gets the AWS profile (<c>aws_profile_name</c>).</summary>
    public string? AwsProfileName { get; init; }

    /// <summary>Gets the AWS role (<c>aws_role_name</c>).</summary>
    public string? AwsRoleName { get; init; }

    /// <summary>Gets the AWS session name (<c>aws_session_name</c>).</summary>
    public string? AwsSessionName { get; init; }

    /// <summary>Gets the AWS Bedrock runtime endpoint (<c>aws_bedrock_runtime_endpoint</c>).</summary>
    public string? AwsBedrockRuntimeEndpoint { get; init; }

    /// <summary>Gets the site URL sent to OpenRouter as <c>HTTP-Referer</c> (<c>openrouter_site_url</c>).</summary>
    /// <value>The default is <c>https://docs.all-hands.dev/</c>.</value>
    public string OpenRouterSiteUrl { get; init; } = LlmDefaults.OpenRouterSiteUrl;

    /// <summary>Gets the application name sent to OpenRouter as <c>X-Title</c> (<c>openrouter_app_name</c>).</summary>
    /// <value>The default is <c>OpenHands</c>.</value>
    public string OpenRouterAppName { get; init; } = LlmDefaults.OpenRouterAppName;

    /// <summary>Gets the total number of attempts for a call, the first included (<c>num_retries</c>).</summary>
    /// <value>The default is 5. Must not be negative.</value>
    public int NumRetries { get; init => field = NotNegative(value, nameof(NumRetries)); } = 5;

    /// <summary>Gets the multiplier of the exponential wait between attempts (<c>retry_multiplier</c>).</summary>
    /// <value>The default is 8. Must not be negative.</value>
    public double RetryMultiplier { get; init => field = NotNegative(value, nameof(RetryMultiplier)); } = 8.0;

    /// <summary>Gets the shortest wait between attempts, in seconds (<c>retry_min_wait</c>).</summary>
    /// <value>The default is 8. Must not be negative.</value>
    public int RetryMinWait { get; init => field = NotNegative(value, nameof(RetryMinWait)); } = 8;

    /// <summary>Gets the longest wait between attempts, in seconds (<c>retry_max_wait</c>).</summary>
    /// <value>The default is 64. Must not be negative.</value>
    public int RetryMaxWait { get; init => field = NotNegative(value, nameof(RetryMaxWait)); } = 64;

    /// <summary>Gets the timeout of one call in seconds (<c>timeout</c>); <see langword="null"/> disables it.</summary>
    /// <value>The default is 300. Must not be negative.</value>
    public int? Timeout { get; init => field = NotNegative(value, nameof(Timeout)); } = 300;

    /// <summary>Gets the longest message text sent, in characters (<c>max_message_chars</c>).</summary>
    /// <value>The default is 30000. Must be at least 1.</value>
    public int MaxMessageChars { get; init => field = Positive(value, nameof(MaxMessageChars)); } = 30000;

    /// <summary>Gets the sampling temperature (<c>temperature</c>).</summary>
    /// <value>The default is <see langword="null"/> (provider default). Must not be negative.</value>
    public double? Temperature { get; init => field = NotNegative(value, nameof(Temperature)); }

    /// <summary>Gets the nucleus-sampling probability mass (<c>top_p</c>).</summary>
    /// <value>The default is <see langword="null"/>. Must be between 0 and 1.</value>
    public double? TopP
    {
        get;
        init
        {
            if (value is < 0 or > 1 || (value is { } v && double.IsNaN(v)))
            {
                throw new ArgumentOutOfRangeException(nameof(TopP), value, "TopP (top_p) must be between 0 and 1.");
            }

            field = value;
        }
    }

    /// <summary>Gets the top-k sampling limit (<c>top_k</c>).</summary>
    /// <value>The default is <see langword="null"/>. Must not be negative.</value>
    public double? TopK { get; init => field = NotNegative(value, nameof(TopK)); }

    /// <summary>Gets the context window size in tokens (<c>max_input_tokens</c>).</summary>
    /// <value>The default is <see langword="null"/> (known from the model). Must be at least 1.</value>
    public int? MaxInputTokens { get; init => field = Positive(value, nameof(MaxInputTokens)); }

    /// <summary>Gets the most tokens one reply may have (<c>max_output_tokens</c>).</summary>
    /// <value>The default is <see langword="null"/>. Must be at least 1.</value>
    public int? MaxOutputTokens { get; init => field = Positive(value, nameof(MaxOutputTokens)); }

    /// <summary>Gets the model name used for capability look-ups instead of <see cref="Model"/> (<c>model_canonical_name</c>).</summary>
    public string? ModelCanonicalName { get; init; }

    /// <summary>Gets which provider API is used (<c>api_mode</c>).</summary>
    public LlmApiMode ApiMode { get; init; }

    /// <summary>Gets overrides of model capabilities, such as <c>supports_vision</c> (<c>capability_overrides</c>); values are JSON booleans or strings.</summary>
    public ImmutableDictionary<string, JsonElement> CapabilityOverrides { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>Gets extra HTTP headers sent with every call (<c>extra_headers</c>).</summary>
    public ImmutableDictionary<string, string>? ExtraHeaders { get; init; }

    /// <summary>Gets the price of one input token (<c>input_cost_per_token</c>).</summary>
    public double? InputCostPerToken { get; init => field = NotNegative(value, nameof(InputCostPerToken)); }

    /// <summary>Gets the price of one output token (<c>output_cost_per_token</c>).</summary>
    public double? OutputCostPerToken { get; init => field = NotNegative(value, nameof(OutputCostPerToken)); }

    /// <summary>Gets the Ollama base URL (<c>ollama_base_url</c>).</summary>
    public string? OllamaBaseUrl { get; init; }

    /// <summary>Gets whether replies are streamed (<c>stream</c>).</summary>
    public bool Stream { get; init; }

    /// <summary>Gets whether parameters a provider does not take are dropped (<c>drop_params</c>).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool DropParams { get; init; } = true;

    /// <summary>Gets whether images are withheld from the model (<c>disable_vision</c>).</summary>
    public bool? DisableVision { get; init; }

    /// <summary>Gets whether stop words are left out of requests (<c>disable_stop_word</c>).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool? DisableStopWord { get; init; } = false;

    /// <summary>Gets whether prompt caching is used where the provider has it (<c>caching_prompt</c>).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CachingPrompt { get; init; } = true;

    /// <summary>Gets whether completions are logged to files (<c>log_completions</c>).</summary>
    public bool LogCompletions { get; init; }

    /// <summary>Gets the folder for completion logs (<c>log_completions_folder</c>).</summary>
    /// <value>
    /// <see langword="null"/> means the default, <c>logs/completions</c>; unlike the Python SDK, the default is not
    /// written into profile files, so files stay portable between machines.
    /// </value>
    public string? LogCompletionsFolder { get; init; }

    /// <summary>Gets a custom tokenizer name (<c>custom_tokenizer</c>).</summary>
    public string? CustomTokenizer { get; init; }

    /// <summary>Gets whether the provider's native tool calling is used (<c>native_tool_calling</c>).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool NativeToolCalling { get; init; } = true;

    /// <summary>Gets whether message content is always sent as a string (<c>force_string_serializer</c>).</summary>
    public bool? ForceStringSerializer { get; init; }

    /// <summary>Gets whether image URLs are inlined (<c>inline_image_urls</c>).</summary>
    public bool? InlineImageUrls { get; init; }

    /// <summary>Gets the reasoning effort (<c>reasoning_effort</c>): <c>low</c>, <c>medium</c>, <c>high</c>, <c>xhigh</c>, <c>none</c> or another provider value.</summary>
    /// <value>The default is <c>high</c>.</value>
    public string? ReasoningEffort { get; init; } = "high";

    /// <summary>Gets the reasoning summary mode (<c>reasoning_summary</c>): <c>auto</c>, <c>concise</c> or <c>detailed</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not one of the three.</exception>
    public string? ReasoningSummary
    {
        get;
        init => field = value is null or "auto" or "concise" or "detailed" ? value
            : throw new ArgumentOutOfRangeException(nameof(ReasoningSummary), "ReasoningSummary (reasoning_summary) must be 'auto', 'concise' or 'detailed'.");
    }

    /// <summary>Gets whether encrypted reasoning is requested where the provider has it (<c>enable_encrypted_reasoning</c>).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool EnableEncryptedReasoning { get; init; } = true;

    /// <summary>Gets the prompt cache retention (<c>prompt_cache_retention</c>).</summary>
    /// <value>The default is <c>24h</c>.</value>
    public string? PromptCacheRetention { get; init; } = "24h";

    /// <summary>Gets the token budget of extended thinking (<c>extended_thinking_budget</c>).</summary>
    /// <value>The default is 200000.</value>
    public int? ExtendedThinkingBudget { get; init; } = 200000;

    /// <summary>Gets the sampling seed (<c>seed</c>).</summary>
    public int? Seed { get; init; }

    /// <summary>Gets the label under which usage and metrics are counted (<c>usage_id</c>).</summary>
    /// <value>The default is <c>default</c>. Not part of equality.</value>
    public string UsageId
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(UsageId));
            field = value;
        }
    } = "default";

    /// <summary>Gets extra fields sent in the request body (<c>litellm_extra_body</c>).</summary>
    public ImmutableDictionary<string, JsonElement> LitellmExtraBody { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>Gets JSON fields this version does not know, kept so that a load and save writes them back unchanged.</summary>
    public ImmutableDictionary<string, JsonElement> AdditionalProperties { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>Gets the profile this instance was resolved from, or <see langword="null"/> for one built in code.</summary>
    /// <value>Not persisted and not part of equality. <see cref="ProfileMaterializer"/> saves back to this profile.</value>
    public ProfileName? SourceProfile { get; init; }

    /// <summary>Gets whether this LLM uses a subscription login (<c>is_subscription</c>).</summary>
    public bool IsSubscription => AuthType == LlmAuthType.Subscription;

    /// <inheritdoc/>
    public bool Equals(Llm? other) =>
        other is not null && (ReferenceEquals(this, other) || LlmJsonCodec.PersistedFieldsEqual(this, other));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Model, BaseUrl, ApiKey);

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
