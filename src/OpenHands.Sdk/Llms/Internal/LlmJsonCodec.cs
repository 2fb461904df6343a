using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Llms.Internal;

/// <summary>
/// Reads and writes <see cref="Llm"/> in the Python SDK's JSON format (field names, order and secret modes).
/// </summary>
/// <remarks>
/// <para>
/// Reading applies the Python input rules: blank or <c>**********</c> secrets mean "none", integers written as
/// <c>8.0</c> are accepted, the legacy OpenHands proxy form is canonicalized, unknown fields are kept.
/// Two rules are stricter than Python on purpose: a token-shaped secret that does not decrypt (wrong key, or no
/// cipher) is an error rather than a silent <see langword="null"/> or a ciphertext used as a key.
/// </para>
/// <para>
/// Writing follows <c>to_persisted</c>: nulls omitted, non-null defaults present, <c>schema_version</c> last for
/// profile files. Deprecated <c>modify_params</c> is dropped, the default <c>log_completions_folder</c> is not
/// written, and nullable fields with a non-null default are written as an explicit <see langword="null"/> so they
/// read back as null in both SDKs.
/// </para>
/// </remarks>
internal static class LlmJsonCodec
{
    internal static readonly JsonWriterOptions IndentedWriter = new() { Indented = true, NewLine = "\n" };
    private static readonly JsonWriterOptions CompactWriter = new() { Indented = false };

    private static readonly string[] SecretFields = ["api_key", "aws_access_key_id", "aws_secret_access_key", "aws_session_token"];

    /// <summary>Reads an <see cref="Llm"/> from a JSON object.</summary>
    /// <param name="root">The JSON object.</param>
    /// <param name="cipher">Decrypts token-shaped secrets; without one, a token-shaped secret is an error.</param>
    /// <param name="isProfileFile">Whether <c>schema_version</c> is checked (profile files) or ignored (nested in settings).</param>
    /// <param name="onDecryptFailure">Builds the exception for a secret that cannot be decrypted: (field, reason).</param>
    /// <exception cref="LlmFormatException">The document is not a valid LLM.</exception>
    public static Llm Read(JsonElement root, Cipher? cipher, bool isProfileFile, Func<string, string, Exception> onDecryptFailure)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new LlmFormatException("the top-level JSON value is not an object");
        }

        if (isProfileFile && root.TryGetProperty("schema_version", out var version))
        {
            SchemaVersion.Read(version, LlmDefaults.ProfileSchemaVersion, "LLM profile");
        }

        if (!root.TryGetProperty("model", out var modelElement) || modelElement.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(modelElement.GetString()))
        {
            throw new LlmFormatException("field 'model' is required and must be a non-empty string");
        }

        var model = modelElement.GetString()!;
        var rawBaseUrl = root.TryGetProperty("base_url", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
        var (canonicalModel, dropBaseUrl) = OpenHandsProxy.Canonicalize(model, rawBaseUrl);

        var llm = new Llm(canonicalModel);
        var unknown = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        try
        {
            foreach (var p in root.EnumerateObject())
            {
                var v = p.Value;
                llm = p.Name switch
                {
                    "model" or "schema_version" or "modify_params" or "is_subscription" => llm,
                    "api_key" => llm with { ApiKey = Secret(v, "api_key", cipher, onDecryptFailure) },
                    "provider_connection_id" => llm with { ProviderConnectionId = JsonRead.String(v, p.Name) },
                    "auth_type" => llm with { AuthType = AuthType(v) },
                    "subscription_vendor" => llm with { SubscriptionVendor = JsonRead.String(v, p.Name) },
                    "base_url" => dropBaseUrl ? llm : llm with { BaseUrl = JsonRead.String(v, p.Name) },
                    "api_version" => llm with { ApiVersion = JsonRead.String(v, p.Name) },
                    "aws_access_key_id" => llm with { AwsAccessKeyId = Secret(v, p.Name, cipher, onDecryptFailure) },
                    "aws_secret_access_key" => llm with { AwsSecretAccessKey = Secret(v, p.Name, cipher, onDecryptFailure) },
                    "aws_session_token" => llm with { AwsSessionToken = Secret(v, p.Name, cipher, onDecryptFailure) },
                    "aws_region_name" => llm with { AwsRegionName = JsonRead.String(v, p.Name) },
                    "aws_profile_name" => llm with { AwsProfileName = JsonRead.String(v, p.Name) },
                    "aws_role_name" => llm with { AwsRoleName = JsonRead.String(v, p.Name) },
                    "aws_session_name" => llm with { AwsSessionName = JsonRead.String(v, p.Name) },
                    "aws_bedrock_runtime_endpoint" => llm with { AwsBedrockRuntimeEndpoint = JsonRead.String(v, p.Name) },
                    "openrouter_site_url" => llm with { OpenRouterSiteUrl = JsonRead.RequiredString(v, p.Name) },
                    "openrouter_app_name" => llm with { OpenRouterAppName = JsonRead.RequiredString(v, p.Name) },
                    "num_retries" => llm with { NumRetries = JsonRead.RequiredInt(v, p.Name) },
                    "retry_multiplier" => llm with { RetryMultiplier = JsonRead.RequiredDouble(v, p.Name) },
                    "retry_min_wait" => llm with { RetryMinWait = JsonRead.RequiredInt(v, p.Name) },
                    "retry_max_wait" => llm with { RetryMaxWait = JsonRead.RequiredInt(v, p.Name) },
                    "timeout" => llm with { Timeout = JsonRead.Int(v, p.Name) },
                    "max_message_chars" => llm with { MaxMessageChars = JsonRead.RequiredInt(v, p.Name) },
                    "temperature" => llm with { Temperature = JsonRead.Double(v, p.Name) },
                    "top_p" => llm with { TopP = JsonRead.Double(v, p.Name) },
                    "top_k" => llm with { TopK = JsonRead.Double(v, p.Name) },
                    "max_input_tokens" => llm with { MaxInputTokens = JsonRead.Int(v, p.Name) },
                    "max_output_tokens" => llm with { MaxOutputTokens = JsonRead.Int(v, p.Name) },
                    "model_canonical_name" => llm with { ModelCanonicalName = JsonRead.String(v, p.Name) },
                    "api_mode" => llm with { ApiMode = ApiMode(v) },
                    "capability_overrides" => llm with { CapabilityOverrides = JsonRead.ObjectMap(v, p.Name) ?? ImmutableDictionary<string, JsonElement>.Empty },
                    "extra_headers" => llm with { ExtraHeaders = JsonRead.StringMap(v, p.Name) },
                    "input_cost_per_token" => llm with { InputCostPerToken = JsonRead.Double(v, p.Name) },
                    "output_cost_per_token" => llm with { OutputCostPerToken = JsonRead.Double(v, p.Name) },
                    "ollama_base_url" => llm with { OllamaBaseUrl = JsonRead.String(v, p.Name) },
                    "stream" => llm with { Stream = JsonRead.RequiredBool(v, p.Name) },
                    "drop_params" => llm with { DropParams = JsonRead.RequiredBool(v, p.Name) },
                    "disable_vision" => llm with { DisableVision = JsonRead.Bool(v, p.Name) },
                    "disable_stop_word" => llm with { DisableStopWord = JsonRead.Bool(v, p.Name) },
                    "caching_prompt" => llm with { CachingPrompt = JsonRead.RequiredBool(v, p.Name) },
                    "log_completions" => llm with { LogCompletions = JsonRead.RequiredBool(v, p.Name) },
                    "log_completions_folder" => llm with { LogCompletionsFolder = JsonRead.String(v, p.Name) },
                    "custom_tokenizer" => llm with { CustomTokenizer = JsonRead.String(v, p.Name) },
                    "native_tool_calling" => llm with { NativeToolCalling = JsonRead.RequiredBool(v, p.Name) },
                    "force_string_serializer" => llm with { ForceStringSerializer = JsonRead.Bool(v, p.Name) },
                    "inline_image_urls" => llm with { InlineImageUrls = JsonRead.Bool(v, p.Name) },
                    "reasoning_effort" => llm with { ReasoningEffort = JsonRead.String(v, p.Name) },
                    "reasoning_summary" => llm with { ReasoningSummary = JsonRead.String(v, p.Name) },
                    "enable_encrypted_reasoning" => llm with { EnableEncryptedReasoning = JsonRead.RequiredBool(v, p.Name) },
                    "prompt_cache_retention" => llm with { PromptCacheRetention = JsonRead.String(v, p.Name) },
                    "extended_thinking_budget" => llm with { ExtendedThinkingBudget = JsonRead.Int(v, p.Name) },
                    "seed" => llm with { Seed = JsonRead.Int(v, p.Name) },
                    "usage_id" => llm with { UsageId = JsonRead.RequiredString(v, p.Name) },
                    "litellm_extra_body" => llm with { LitellmExtraBody = JsonRead.ObjectMap(v, p.Name) ?? ImmutableDictionary<string, JsonElement>.Empty },
                    _ => Keep(unknown, p, llm),
                };
            }
        }
        catch (ArgumentException ex)
        {
            // An init accessor rejected a value (a negative retry count, top_p above 1, a blank usage_id).
            throw new LlmFormatException($"field '{ToJsonName(ex.ParamName)}' is out of range: {FirstSentence(ex.Message)}", ex);
        }

        if (root.TryGetProperty("is_subscription", out var isSubscription) && isSubscription.ValueKind == JsonValueKind.True)
        {
            llm = llm with { AuthType = LlmAuthType.Subscription };
        }

        return unknown.Count == 0 ? llm : llm with { AdditionalProperties = unknown.ToImmutable() };
    }

    /// <summary>Writes an <see cref="Llm"/> as a JSON object.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="llm">The configuration.</param>
    /// <param name="exposure">How secrets are written.</param>
    /// <param name="cipher">Required for <see cref="SecretExposure.Encrypted"/>.</param>
    /// <param name="isProfileFile">Profile files carry <c>schema_version</c> and no inline key for a provider connection.</param>
    /// <param name="includeUsageId">Whether <c>usage_id</c> is written (equality leaves it out).</param>
    public static void Write(Utf8JsonWriter writer, Llm llm, SecretExposure exposure, Cipher? cipher, bool isProfileFile, bool includeUsageId = true)
    {
        if (exposure == SecretExposure.Encrypted && cipher is null)
        {
            throw new InvalidOperationException("Secrets cannot be written encrypted: no cipher is configured. Set OH_SECRET_KEY (or OpenHandsOptions.SecretKey).");
        }

        var subscription = llm.IsSubscription;
        var linked = isProfileFile && !string.IsNullOrEmpty(llm.ProviderConnectionId);

        writer.WriteStartObject();
        writer.WriteString("model", llm.Model);
        if (!subscription && !linked)
        {
            WriteSecret(writer, "api_key", llm.ApiKey, exposure, cipher);
        }

        WriteOptional(writer, "provider_connection_id", llm.ProviderConnectionId);
        writer.WriteString("auth_type", subscription ? "subscription" : "api_key");
        WriteOptional(writer, "subscription_vendor", llm.SubscriptionVendor);
        if (!subscription && !linked)
        {
            WriteOptional(writer, "base_url", llm.BaseUrl);
        }

        WriteOptional(writer, "api_version", llm.ApiVersion);
        WriteSecret(writer, "aws_access_key_id", llm.AwsAccessKeyId, exposure, cipher);
        WriteSecret(writer, "aws_secret_access_key", llm.AwsSecretAccessKey, exposure, cipher);
        WriteSecret(writer, "aws_session_token", llm.AwsSessionToken, exposure, cipher);
        WriteOptional(writer, "aws_region_name", llm.AwsRegionName);
        WriteOptional(writer, "aws_profile_name", llm.AwsProfileName);
        WriteOptional(writer, "aws_role_name", llm.AwsRoleName);
        WriteOptional(writer, "aws_session_name", llm.AwsSessionName);
        WriteOptional(writer, "aws_bedrock_runtime_endpoint", llm.AwsBedrockRuntimeEndpoint);
        writer.WriteString("openrouter_site_url", llm.OpenRouterSiteUrl);
        writer.WriteString("openrouter_app_name", llm.OpenRouterAppName);
        writer.WriteNumber("num_retries", llm.NumRetries);
        WriteFloat(writer, "retry_multiplier", llm.RetryMultiplier);
        writer.WriteNumber("retry_min_wait", llm.RetryMinWait);
        writer.WriteNumber("retry_max_wait", llm.RetryMaxWait);
        WriteNullable(writer, "timeout", llm.Timeout);
        writer.WriteNumber("max_message_chars", llm.MaxMessageChars);
        WriteOptional(writer, "temperature", llm.Temperature);
        WriteOptional(writer, "top_p", llm.TopP);
        WriteOptional(writer, "top_k", llm.TopK);
        WriteOptional(writer, "max_input_tokens", llm.MaxInputTokens);
        WriteOptional(writer, "max_output_tokens", llm.MaxOutputTokens);
        WriteOptional(writer, "model_canonical_name", llm.ModelCanonicalName);
        writer.WriteString("api_mode", llm.ApiMode switch { LlmApiMode.Chat => "chat", LlmApiMode.Responses => "responses", _ => "auto" });
        WriteMap(writer, "capability_overrides", llm.CapabilityOverrides);
        if (!subscription && llm.ExtraHeaders is { } headers)
        {
            writer.WriteStartObject("extra_headers");
            foreach (var (key, value) in headers.OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        WriteOptional(writer, "input_cost_per_token", llm.InputCostPerToken);
        WriteOptional(writer, "output_cost_per_token", llm.OutputCostPerToken);
        WriteOptional(writer, "ollama_base_url", llm.OllamaBaseUrl);
        writer.WriteBoolean("stream", llm.Stream);
        writer.WriteBoolean("drop_params", llm.DropParams);
        WriteOptional(writer, "disable_vision", llm.DisableVision);
        WriteNullable(writer, "disable_stop_word", llm.DisableStopWord);
        writer.WriteBoolean("caching_prompt", llm.CachingPrompt);
        writer.WriteBoolean("log_completions", llm.LogCompletions);
        WriteOptional(writer, "log_completions_folder", llm.LogCompletionsFolder);
        WriteOptional(writer, "custom_tokenizer", llm.CustomTokenizer);
        writer.WriteBoolean("native_tool_calling", llm.NativeToolCalling);
        WriteOptional(writer, "force_string_serializer", llm.ForceStringSerializer);
        WriteOptional(writer, "inline_image_urls", llm.InlineImageUrls);
        WriteNullable(writer, "reasoning_effort", llm.ReasoningEffort);
        WriteOptional(writer, "reasoning_summary", llm.ReasoningSummary);
        writer.WriteBoolean("enable_encrypted_reasoning", llm.EnableEncryptedReasoning);
        WriteNullable(writer, "prompt_cache_retention", llm.PromptCacheRetention);
        WriteNullable(writer, "extended_thinking_budget", llm.ExtendedThinkingBudget);
        WriteOptional(writer, "seed", llm.Seed);
        if (includeUsageId)
        {
            writer.WriteString("usage_id", llm.UsageId);
        }

        WriteMap(writer, "litellm_extra_body", llm.LitellmExtraBody);
        writer.WriteBoolean("is_subscription", subscription);
        JsonRead.WriteProperties(writer, llm.AdditionalProperties);

        if (isProfileFile)
        {
            writer.WriteNumber("schema_version", LlmDefaults.ProfileSchemaVersion);
        }

        writer.WriteEndObject();
    }

    /// <summary>Serializes <paramref name="llm"/> to UTF-8 bytes in the profile-file format.</summary>
    public static byte[] ToProfileBytes(Llm llm, SecretExposure exposure, Cipher? cipher)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer, IndentedWriter))
        {
            Write(writer, llm, exposure, cipher, isProfileFile: true);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Whether two instances persist identically (secrets included, <c>usage_id</c> excluded).</summary>
    public static bool PersistedFieldsEqual(Llm left, Llm right)
    {
        var a = new ArrayBufferWriter<byte>(1024);
        var b = new ArrayBufferWriter<byte>(1024);
        using (var wa = new Utf8JsonWriter(a, CompactWriter))
        using (var wb = new Utf8JsonWriter(b, CompactWriter))
        {
            Write(wa, left, SecretExposure.Plaintext, cipher: null, isProfileFile: false, includeUsageId: false);
            Write(wb, right, SecretExposure.Plaintext, cipher: null, isProfileFile: false, includeUsageId: false);
        }

        return a.WrittenSpan.SequenceEqual(b.WrittenSpan);
    }

    /// <summary>Whether a raw JSON secret value counts as set: a non-blank string other than the sentinel (ciphertext counts).</summary>
    public static bool IsSecretSet(JsonElement root, string field) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String
        && !string.IsNullOrWhiteSpace(v.GetString()) && v.GetString() != SecretString.Redacted;

    /// <summary>The names of the secret fields of an LLM document.</summary>
    public static IReadOnlyList<string> SecretFieldNames => SecretFields;

    private static SecretString? Secret(JsonElement value, string field, Cipher? cipher, Func<string, string, Exception> onDecryptFailure)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Object when !value.EnumerateObject().Any():
            case JsonValueKind.Array when value.GetArrayLength() == 0:
                return null;
            case JsonValueKind.String:
                var text = value.GetString();
                if (!Cipher.LooksEncrypted(text))
                {
                    return SecretString.FromNullable(text);
                }

                if (cipher is null)
                {
                    throw onDecryptFailure(field, "the value is encrypted and no cipher is configured");
                }

                return cipher.TryDecrypt(text!, out var plain)
                    ? SecretString.FromNullable(plain)
                    : throw onDecryptFailure(field, "the cipher key does not match or the token is damaged");
            default:
                throw JsonRead.Mismatch(field, "a string", value);
        }
    }

    private static LlmAuthType AuthType(JsonElement value) => JsonRead.String(value, "auth_type") switch
    {
        null or "api_key" => LlmAuthType.ApiKey,
        "subscription" => LlmAuthType.Subscription,
        var other => throw new LlmFormatException($"field 'auth_type' must be 'api_key' or 'subscription', not '{other}'"),
    };

    private static LlmApiMode ApiMode(JsonElement value) => JsonRead.String(value, "api_mode") switch
    {
        null or "auto" => LlmApiMode.Auto,
        "chat" => LlmApiMode.Chat,
        "responses" => LlmApiMode.Responses,
        var other => throw new LlmFormatException($"field 'api_mode' must be 'auto', 'chat' or 'responses', not '{other}'"),
    };

    private static Llm Keep(ImmutableDictionary<string, JsonElement>.Builder unknown, JsonProperty property, Llm llm)
    {
        unknown[property.Name] = property.Value.Clone();
        return llm;
    }

    private static void WriteSecret(Utf8JsonWriter writer, string name, SecretString? secret, SecretExposure exposure, Cipher? cipher)
    {
        if (secret is null)
        {
            return;
        }

        writer.WriteString(name, exposure switch
        {
            SecretExposure.Plaintext => secret.Reveal(),
            SecretExposure.Encrypted => cipher!.Encrypt(secret.Reveal()),
            _ => SecretString.Redacted,
        });
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            WriteFloat(writer, name, v);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is { } v)
        {
            writer.WriteBoolean(name, v);
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is { } v)
        {
            writer.WriteBoolean(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>Writes a float the way Python does for integral values (<c>8.0</c>, not <c>8</c>).</summary>
    private static void WriteFloat(Utf8JsonWriter writer, string name, double value)
    {
        writer.WritePropertyName(name);
        if (value == Math.Floor(value) && Math.Abs(value) < 1e16)
        {
            writer.WriteRawValue(((long)value).ToString(CultureInfo.InvariantCulture) + ".0", skipInputValidation: true);
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }

    private static void WriteMap(Utf8JsonWriter writer, string name, ImmutableDictionary<string, JsonElement> map)
    {
        writer.WriteStartObject(name);
        JsonRead.WriteProperties(writer, map);
        writer.WriteEndObject();
    }

    private static string ToJsonName(string? propertyName)
    {
        if (string.IsNullOrEmpty(propertyName))
        {
            return "?";
        }

        var builder = new System.Text.StringBuilder(propertyName.Length + 8);
        for (var i = 0; i < propertyName.Length; i++)
        {
            var c = propertyName[i];
            if (char.IsUpper(c) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString().Replace("open_router", "openrouter", StringComparison.Ordinal);
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
