using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization.Documents;

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
    // Every field is declared once, in LlmDocument (JSON name, order, default, range check); the properties below give
    // each one its public name and documentation. (issue 10: one owner per concept).
    private readonly LlmDocument _d;

    /// <summary>Initializes a new instance of the <see cref="Llm"/> record.</summary>
    /// <param name="model">The model, for example <c>openai/gpt-4o</c> or <c>anthropic/claude-sonnet-4-5</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty or white space.</exception>
    public Llm(string model)
    {
        _d = new LlmDocument();
        Model = model;
    }

    private Llm(LlmDocument document, ProfileName? sourceProfile)
    {
        _d = document;
        SourceProfile = sourceProfile;
    }

    /// <summary>The copy a <c>with</c> expression starts from: it gets its own document, so the original never changes.</summary>
    private Llm(Llm original)
    {
        _d = original._d.Clone();
        SourceProfile = original.SourceProfile;
    }

    /// <summary>Gets the model name, with its provider prefix (<c>model</c>).</summary>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string Model { get => _d.Model; init => _d.Model = value; }

    /// <summary>Gets the API key (<c>api_key</c>).</summary>
    public SecretString? ApiKey { get => _d.ApiKey; init => _d.ApiKey = value; }

    /// <summary>Gets the id of a shared provider connection that supplies key and base URL (<c>provider_connection_id</c>).</summary>
    public string? ProviderConnectionId { get => _d.ProviderConnectionId; init => _d.ProviderConnectionId = value; }

    /// <summary>Gets how the LLM authenticates (<c>auth_type</c>).</summary>
    /// <value>The default is <see cref="LlmAuthType.ApiKey"/>.</value>
    public LlmAuthType AuthType { get => _d.AuthType; init => _d.AuthType = value; }

    /// <summary>Gets the subscription vendor, for <see cref="LlmAuthType.Subscription"/> (<c>subscription_vendor</c>).</summary>
    public string? SubscriptionVendor { get => _d.SubscriptionVendor; init => _d.SubscriptionVendor = value; }

    /// <summary>Gets the provider's base URL (<c>base_url</c>).</summary>
    /// <value>
    /// <see langword="null"/> for the provider default. For an <c>openai/</c> model the plain
    /// <c>https://api.openai.com</c> URL reads as <see langword="null"/>, as in the Python SDK.
    /// </value>
    public string? BaseUrl { get => _d.BaseUrl; init => _d.BaseUrl = value; }

    /// <summary>Gets the API version, used by Azure OpenAI (<c>api_version</c>).</summary>
    /// <value>For an <c>azure/</c> model without a version: <c>2024-12-01-preview</c>.</value>
    public string? ApiVersion { get => _d.ApiVersion; init => _d.ApiVersion = value; }

    /// <summary>Gets the AWS access key id (<c>aws_access_key_id</c>).</summary>
    public SecretString? AwsAccessKeyId { get => _d.AwsAccessKeyId; init => _d.AwsAccessKeyId = value; }

    /// <summary>Gets the AWS secret access key (<c>aws_secret_access_key</c>).</summary>
    public SecretString? AwsSecretAccessKey { get => _d.AwsSecretAccessKey; init => _d.AwsSecretAccessKey = value; }

    /// <summary>Gets the AWS session token (<c>aws_session_token</c>).</summary>
    public SecretString? AwsSessionToken { get => _d.AwsSessionToken; init => _d.AwsSessionToken = value; }

    /// <summary>Gets the AWS region (<c>aws_region_name</c>).</summary>
    public string? AwsRegionName { get => _d.AwsRegionName; init => _d.AwsRegionName = value; }

    /// <summary>Gets the AWS profile (<c>aws_profile_name</c>).</summary>
    public string? AwsProfileName { get => _d.AwsProfileName; init => _d.AwsProfileName = value; }

    /// <summary>Gets the AWS role (<c>aws_role_name</c>).</summary>
    public string? AwsRoleName { get => _d.AwsRoleName; init => _d.AwsRoleName = value; }

    /// <summary>Gets the AWS session name (<c>aws_session_name</c>).</summary>
    public string? AwsSessionName { get => _d.AwsSessionName; init => _d.AwsSessionName = value; }

    /// <summary>Gets the AWS Bedrock runtime endpoint (<c>aws_bedrock_runtime_endpoint</c>).</summary>
    public string? AwsBedrockRuntimeEndpoint { get => _d.AwsBedrockRuntimeEndpoint; init => _d.AwsBedrockRuntimeEndpoint = value; }

    /// <summary>Gets the site URL sent to OpenRouter as <c>HTTP-Referer</c> (<c>openrouter_site_url</c>).</summary>
    /// <value>The default is <c>https://docs.all-hands.dev/</c>.</value>
    public string OpenRouterSiteUrl { get => _d.OpenRouterSiteUrl; init => _d.OpenRouterSiteUrl = value; }

    /// <summary>Gets the application name sent to OpenRouter as <c>X-Title</c> (<c>openrouter_app_name</c>).</summary>
    /// <value>The default is <c>OpenHands</c>.</value>
    public string OpenRouterAppName { get => _d.OpenRouterAppName; init => _d.OpenRouterAppName = value; }

    /// <summary>Gets the total number of attempts for a call, the first included (<c>num_retries</c>).</summary>
    /// <value>The default is 5. Must not be negative.</value>
    public int NumRetries { get => _d.NumRetries; init => _d.NumRetries = value; }

    /// <summary>Gets the multiplier of the exponential wait between attempts (<c>retry_multiplier</c>).</summary>
    /// <value>The default is 8. Must not be negative.</value>
    public double RetryMultiplier { get => _d.RetryMultiplier; init => _d.RetryMultiplier = value; }

    /// <summary>Gets the shortest wait between attempts, in seconds (<c>retry_min_wait</c>).</summary>
    /// <value>The default is 8. Must not be negative.</value>
    public int RetryMinWait { get => _d.RetryMinWait; init => _d.RetryMinWait = value; }

    /// <summary>Gets the longest wait between attempts, in seconds (<c>retry_max_wait</c>).</summary>
    /// <value>The default is 64. Must not be negative.</value>
    public int RetryMaxWait { get => _d.RetryMaxWait; init => _d.RetryMaxWait = value; }

    /// <summary>Gets the timeout of one call in seconds (<c>timeout</c>); <see langword="null"/> disables it.</summary>
    /// <value>The default is 300. Must not be negative.</value>
    public int? Timeout { get => _d.Timeout; init => _d.Timeout = value; }

    /// <summary>Gets the longest message text sent, in characters (<c>max_message_chars</c>).</summary>
    /// <value>The default is 30000. Must be at least 1.</value>
    public int MaxMessageChars { get => _d.MaxMessageChars; init => _d.MaxMessageChars = value; }

    /// <summary>Gets the sampling temperature (<c>temperature</c>).</summary>
    /// <value>The default is <see langword="null"/> (provider default). Must not be negative.</value>
    public double? Temperature { get => _d.Temperature; init => _d.Temperature = value; }

    /// <summary>Gets the nucleus-sampling probability mass (<c>top_p</c>).</summary>
    /// <value>The default is <see langword="null"/>. Must be between 0 and 1.</value>
    public double? TopP { get => _d.TopP; init => _d.TopP = value; }

    /// <summary>Gets the top-k sampling limit (<c>top_k</c>).</summary>
    /// <value>The default is <see langword="null"/>. Must not be negative.</value>
    public double? TopK { get => _d.TopK; init => _d.TopK = value; }

    /// <summary>Gets the context window size in tokens (<c>max_input_tokens</c>).</summary>
    /// <value>The default is <see langword="null"/> (known from the model). Must be at least 1.</value>
    public int? MaxInputTokens { get => _d.MaxInputTokens; init => _d.MaxInputTokens = value; }

    /// <summary>Gets the most tokens one reply may have (<c>max_output_tokens</c>).</summary>
    /// <value>The default is <see langword="null"/>. Must be at least 1.</value>
    public int? MaxOutputTokens { get => _d.MaxOutputTokens; init => _d.MaxOutputTokens = value; }

    /// <summary>Gets the model name used for capability look-ups instead of <see cref="Model"/> (<c>model_canonical_name</c>).</summary>
    public string? ModelCanonicalName { get => _d.ModelCanonicalName; init => _d.ModelCanonicalName = value; }

    /// <summary>Gets which provider API is used (<c>api_mode</c>).</summary>
    public LlmApiMode ApiMode { get => _d.ApiMode; init => _d.ApiMode = value; }

    /// <summary>Gets overrides of model capabilities, such as <c>supports_vision</c> (<c>capability_overrides</c>); values are JSON booleans or strings.</summary>
    public ImmutableDictionary<string, JsonElement> CapabilityOverrides { get => _d.CapabilityOverrides; init => _d.CapabilityOverrides = value; }

    /// <summary>Gets extra HTTP headers sent with every call (<c>extra_headers</c>).</summary>
    public ImmutableDictionary<string, string>? ExtraHeaders { get => _d.ExtraHeaders; init => _d.ExtraHeaders = value; }

    /// <summary>Gets the price of one input token (<c>input_cost_per_token</c>).</summary>
    public double? InputCostPerToken { get => _d.InputCostPerToken; init => _d.InputCostPerToken = value; }

    /// <summary>Gets the price of one output token (<c>output_cost_per_token</c>).</summary>
    public double? OutputCostPerToken { get => _d.OutputCostPerToken; init => _d.OutputCostPerToken = value; }

    /// <summary>Gets the Ollama base URL (<c>ollama_base_url</c>).</summary>
    public string? OllamaBaseUrl { get => _d.OllamaBaseUrl; init => _d.OllamaBaseUrl = value; }

    /// <summary>
    /// Gets whether replies are streamed (<c>stream</c>): a conversation then calls
    /// <see cref="Microsoft.Extensions.AI.IChatClient.GetStreamingResponseAsync"/> and publishes each piece of the reply as a
    /// <see cref="Conversations.Events.StreamingDeltaEvent"/>; the recorded events are those of a whole reply.
    /// </summary>
    public bool Stream { get => _d.Stream; init => _d.Stream = value; }

    /// <summary>Gets whether parameters a provider does not take are dropped (<c>drop_params</c>).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool DropParams { get => _d.DropParams; init => _d.DropParams = value; }

    /// <summary>Gets whether images are withheld from the model (<c>disable_vision</c>).</summary>
    public bool? DisableVision { get => _d.DisableVision; init => _d.DisableVision = value; }

    /// <summary>Gets whether stop words are left out of requests (<c>disable_stop_word</c>).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool? DisableStopWord { get => _d.DisableStopWord; init => _d.DisableStopWord = value; }

    /// <summary>Gets whether prompt caching is used where the provider has it (<c>caching_prompt</c>).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CachingPrompt { get => _d.CachingPrompt; init => _d.CachingPrompt = value; }

    /// <summary>Gets whether completions are logged to files (<c>log_completions</c>).</summary>
    public bool LogCompletions { get => _d.LogCompletions; init => _d.LogCompletions = value; }

    /// <summary>Gets the folder for completion logs (<c>log_completions_folder</c>).</summary>
    /// <value>
    /// <see langword="null"/> means the default, <c>logs/completions</c>; unlike the Python SDK, the default is not
    /// written into profile files, so files stay portable between machines.
    /// </value>
    public string? LogCompletionsFolder { get => _d.LogCompletionsFolder; init => _d.LogCompletionsFolder = value; }

    /// <summary>Gets a custom tokenizer name (<c>custom_tokenizer</c>).</summary>
    public string? CustomTokenizer { get => _d.CustomTokenizer; init => _d.CustomTokenizer = value; }

    /// <summary>Gets whether the provider's native tool calling is used (<c>native_tool_calling</c>).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool NativeToolCalling { get => _d.NativeToolCalling; init => _d.NativeToolCalling = value; }

    /// <summary>Gets whether message content is always sent as a string (<c>force_string_serializer</c>).</summary>
    public bool? ForceStringSerializer { get => _d.ForceStringSerializer; init => _d.ForceStringSerializer = value; }

    /// <summary>Gets whether image URLs are inlined (<c>inline_image_urls</c>).</summary>
    public bool? InlineImageUrls { get => _d.InlineImageUrls; init => _d.InlineImageUrls = value; }

    /// <summary>Gets the reasoning effort (<c>reasoning_effort</c>): <c>low</c>, <c>medium</c>, <c>high</c>, <c>xhigh</c>, <c>none</c> or another provider value.</summary>
    /// <value>The default is <c>high</c>.</value>
    public string? ReasoningEffort { get => _d.ReasoningEffort; init => _d.ReasoningEffort = value; }

    /// <summary>Gets the reasoning summary mode (<c>reasoning_summary</c>): <c>auto</c>, <c>concise</c> or <c>detailed</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not one of the three.</exception>
    public string? ReasoningSummary { get => _d.ReasoningSummary; init => _d.ReasoningSummary = value; }

    /// <summary>Gets whether encrypted reasoning is requested where the provider has it (<c>enable_encrypted_reasoning</c>).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool EnableEncryptedReasoning { get => _d.EnableEncryptedReasoning; init => _d.EnableEncryptedReasoning = value; }

    /// <summary>Gets the prompt cache retention (<c>prompt_cache_retention</c>).</summary>
    /// <value>The default is <c>24h</c>.</value>
    public string? PromptCacheRetention { get => _d.PromptCacheRetention; init => _d.PromptCacheRetention = value; }

    /// <summary>Gets the token budget of extended thinking (<c>extended_thinking_budget</c>).</summary>
    /// <value>The default is 200000.</value>
    public int? ExtendedThinkingBudget { get => _d.ExtendedThinkingBudget; init => _d.ExtendedThinkingBudget = value; }

    /// <summary>Gets the sampling seed (<c>seed</c>).</summary>
    public int? Seed { get => _d.Seed; init => _d.Seed = value; }

    /// <summary>Gets the label under which usage and metrics are counted (<c>usage_id</c>).</summary>
    /// <value>The default is <c>default</c>. Not part of equality.</value>
    public string UsageId { get => _d.UsageId; init => _d.UsageId = value; }

    /// <summary>Gets extra fields sent in the request body (<c>litellm_extra_body</c>).</summary>
    public ImmutableDictionary<string, JsonElement> LitellmExtraBody { get => _d.LitellmExtraBody; init => _d.LitellmExtraBody = value; }

    /// <summary>Gets JSON fields this version does not know, kept so that a load and save writes them back unchanged.</summary>
    public ImmutableDictionary<string, JsonElement> AdditionalProperties { get => _d.AdditionalProperties; init => _d.AdditionalProperties = value; }

    /// <summary>
    /// Gets the LLM profiles to fall back to, in order, when this LLM's provider is rate-limited or unavailable after its
    /// own retries (<c>fallback_strategy.fallback_llms</c>, the Python SDK's <c>FallbackStrategy</c>).
    /// </summary>
    /// <value>
    /// Empty by default. A conversation resolves each fallback through its <see cref="ProfileResolver"/> when it is needed,
    /// so each uses its own profile's key; a fallback answers that one call only (the next call tries this LLM again),
    /// and its own fallbacks are not followed. Errors that trigger a fallback: <see cref="LlmRateLimitException"/>,
    /// <see cref="LlmServiceUnavailableException"/>, <see cref="LlmTimeoutException"/> and <see cref="LlmNoResponseException"/>.
    /// </value>
    public ImmutableArray<ProfileName> FallbackProfiles
    {
        get => _d.FallbackStrategy?.FallbackLlms is { Count: > 0 } names ? [.. names.Select(ProfileName.Create)] : [];
        init => _d.FallbackStrategy = value.IsDefaultOrEmpty ? null
            : new FallbackStrategyDocument { FallbackLlms = [.. value.Select(n => n.Value)], Unknown = _d.FallbackStrategy?.Unknown };
    }

    /// <summary>Gets the profile this instance was resolved from, or <see langword="null"/> for one built in code.</summary>
    /// <value>
    /// Provenance only: not persisted and not part of equality. <see cref="ProfileMaterializer"/> reuses this profile when it
    /// still holds equal content, and never writes to it; a reference is passed explicitly, never re-derived from it.
    /// </value>
    public ProfileName? SourceProfile { get; init; }

    /// <summary>Gets whether this LLM uses a subscription login (<c>is_subscription</c>).</summary>
    public bool IsSubscription => AuthType == LlmAuthType.Subscription;

    /// <summary>Gets the fields as the JSON layer reads and writes them. Callers must not change them.</summary>
    internal LlmDocument Document => _d;

    /// <summary>Wraps a document the codec has read and checked; the new instance owns it.</summary>
    internal static Llm FromDocument(LlmDocument document, ProfileName? sourceProfile = null) => new(document, sourceProfile);

    /// <inheritdoc/>
    /// <remarks>
    /// Compares the persisted fields one by one: secrets in constant time (<see cref="SecretString.Equals(SecretString?)"/>),
    /// JSON maps with <see cref="JsonElement.DeepEquals"/>. <see cref="UsageId"/> and <see cref="SourceProfile"/> are not
    /// compared, nor, for a subscription LLM, the key, base URL and headers, which are not persisted for one.
    /// </remarks>
    public bool Equals(Llm? other) =>
        other is not null && (ReferenceEquals(this, other) || LlmEquality.FieldsEqual(_d, other._d));

    /// <inheritdoc/>
    /// <remarks>Built from the model, the authentication type and the base URL only: it reveals nothing about a secret.</remarks>
    public override int GetHashCode() => HashCode.Combine(Model, AuthType, IsSubscription ? null : BaseUrl);
}
