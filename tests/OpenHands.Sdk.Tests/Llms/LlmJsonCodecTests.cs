using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Llms;

[Parallelizable(ParallelScope.All)]
[Category("Codec")]
public sealed class LlmJsonCodecTests
{
    private const string Passphrase = "sk-test-codec-passphrase";

    /// <summary>Declaration order of the Python <c>LLM</c> fields (spec §1.1), then the computed flag and the version.</summary>
    private static readonly string[] PythonFieldOrder =
    [
        "model", "api_key", "provider_connection_id", "auth_type", "subscription_vendor", "base_url", "api_version",
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_region_name", "aws_profile_name",
        "aws_role_name", "aws_session_name", "aws_bedrock_runtime_endpoint", "openrouter_site_url", "openrouter_app_name",
        "num_retries", "retry_multiplier", "retry_min_wait", "retry_max_wait", "timeout", "max_message_chars",
        "temperature", "top_p", "top_k", "max_input_tokens", "max_output_tokens", "model_canonical_name", "api_mode",
        "capability_overrides", "extra_headers", "input_cost_per_token", "output_cost_per_token", "ollama_base_url",
        "stream", "drop_params", "modify_params", "disable_vision", "disable_stop_word", "caching_prompt",
        "log_completions", "log_completions_folder", "custom_tokenizer", "native_tool_calling", "force_string_serializer",
        "inline_image_urls", "reasoning_effort", "reasoning_summary", "enable_encrypted_reasoning",
        "prompt_cache_retention", "extended_thinking_budget", "seed", "usage_id", "litellm_extra_body", "is_subscription",
        "schema_version",
    ];

    // ---- unknown fields -------------------------------------------------------------------------------------

    [Test]
    public async Task Save_PythonProfileWithUnknownFields_KeepsThemUnchanged()
    {
        using var dir = TempDirectory.Create();
        var original = CopyFixture(dir, "plaintext/extras.json", "extras");
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        var loaded = await store.LoadAsync("extras");
        loaded.AdditionalProperties.Keys.Should().BeEquivalentTo("future_field", "another_unknown");
        await store.SaveAsync("copy", loaded);

        using var before = JsonDocument.Parse(original);
        using var after = JsonDocument.Parse(File.ReadAllBytes(dir.Combine("copy.json")));
        foreach (var key in new[] { "future_field", "another_unknown" })
        {
            JsonElement.DeepEquals(before.RootElement.GetProperty(key), after.RootElement.GetProperty(key))
                .Should().BeTrue($"unknown field '{key}' must be written back unchanged");
        }

        var names = after.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        names[^1].Should().Be("schema_version");
        names.IndexOf("future_field").Should().BeGreaterThan(names.IndexOf("is_subscription"));
        names.IndexOf("another_unknown").Should().BeGreaterThan(names.IndexOf("is_subscription"));
    }

    [Test]
    public async Task Save_PythonProfile_WritesSameDocumentExceptModifyParams()
    {
        using var dir = TempDirectory.Create();
        var original = CopyFixture(dir, "plaintext/extras.json", "extras");
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        await store.SaveAsync("copy", await store.LoadAsync("extras"));

        using var before = JsonDocument.Parse(original);
        using var after = JsonDocument.Parse(File.ReadAllBytes(dir.Combine("copy.json")));
        var expected = before.RootElement.EnumerateObject().Where(p => p.Name != "modify_params").ToList();
        after.RootElement.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(expected.Select(p => p.Name));
        foreach (var property in expected)
        {
            JsonElement.DeepEquals(property.Value, after.RootElement.GetProperty(property.Name))
                .Should().BeTrue($"'{property.Name}' must survive a load and save");
        }
    }

    [Test]
    public async Task Save_LoadedTwice_IsByteIdentical()
    {
        using var dir = TempDirectory.Create();
        CopyFixture(dir, "plaintext/extras.json", "extras");
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        await store.SaveAsync("one", await store.LoadAsync("extras"));
        await store.SaveAsync("two", await store.LoadAsync("one"));

        File.ReadAllBytes(dir.Combine("two.json")).Should().Equal(File.ReadAllBytes(dir.Combine("one.json")));
    }

    [Test]
    public void Write_UnknownFields_AreInOrdinalOrderWhateverTheHashSeed()
    {
        // ImmutableDictionary enumerates in string-hash order, which changes from process to process;
        // the file must not, so a profile saved twice by two processes is byte-identical.
        var llm = Read("""{"model":"m","zeta":1,"future_field":2,"alpha":3,"another_unknown":4,"Beta":5}""");

        using var document = JsonDocument.Parse(LlmJsonCodec.ToProfileBytes(llm, SecretExposure.Plaintext, null));
        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();

        names.SkipWhile(n => n != "is_subscription").Skip(1).Should()
            .Equal("Beta", "alpha", "another_unknown", "future_field", "zeta", "schema_version");
    }

    [Test]
    public void Read_UnknownFields_AreKeptAndComparedInEquality()
    {
        var with = Read("""{"model":"m","future":{"a":[1,2.5,"x"]},"later":null}""");
        var without = Read("""{"model":"m"}""");

        with.AdditionalProperties.Keys.Should().BeEquivalentTo("future", "later");
        with.AdditionalProperties["later"].ValueKind.Should().Be(JsonValueKind.Null);
        with.Should().NotBe(without);
        with.Should().Be(Read("""{"model":"m","later":null,"future":{"a":[1,2.5,"x"]}}"""));
    }

    // ---- numbers ------------------------------------------------------------------------------------------

    [Test]
    public void Read_IntegersWrittenAsFloats_AreAccepted()
    {
        var llm = Read("""
            {"model":"m","num_retries":3.0,"retry_min_wait":1.0,"retry_max_wait":10.0,"timeout":120.0,
             "max_message_chars":1000.0,"max_input_tokens":4096.0,"max_output_tokens":8.0,"extended_thinking_budget":0.0,
             "seed":42.0,"retry_multiplier":2,"temperature":1,"top_k":40}
            """);

        llm.NumRetries.Should().Be(3);
        llm.RetryMinWait.Should().Be(1);
        llm.RetryMaxWait.Should().Be(10);
        llm.Timeout.Should().Be(120);
        llm.MaxMessageChars.Should().Be(1000);
        llm.MaxInputTokens.Should().Be(4096);
        llm.MaxOutputTokens.Should().Be(8);
        llm.ExtendedThinkingBudget.Should().Be(0);
        llm.Seed.Should().Be(42);
        llm.RetryMultiplier.Should().Be(2.0);
        llm.Temperature.Should().Be(1.0);
        llm.TopK.Should().Be(40.0);
    }

    [TestCase("num_retries", "3.5")]
    [TestCase("max_output_tokens", "8192.25")]
    [TestCase("timeout", "1e20")]
    [TestCase("seed", "true")]
    [TestCase("num_retries", "\"three\"")]
    [TestCase("temperature", "\"warm\"")]
    [TestCase("temperature", "[]")]
    [TestCase("stream", "\"yes\"")]
    [TestCase("stream", "null")]
    [TestCase("num_retries", "null")]
    [TestCase("extra_headers", "{\"X\":1}")]
    [TestCase("capability_overrides", "[]")]
    [TestCase("auth_type", "\"oauth\"")]
    [TestCase("api_mode", "\"batch\"")]
    [TestCase("base_url", "42")]
    [TestCase("api_key", "42")]
    [TestCase("api_key", "{\"k\":\"v\"}")]
    [TestCase("api_key", "[\"sk-test\"]")]
    public void Read_WrongType_ThrowsNamingField(string field, string json)
    {
        var act = () => Read($$"""{"model":"m","{{field}}":{{json}}}""");

        act.Should().Throw<LlmFormatException>().Which.Message.Should().Contain(field);
    }

    [TestCase("num_retries", "-1")]
    [TestCase("retry_multiplier", "-0.5")]
    [TestCase("timeout", "-1")]
    [TestCase("max_message_chars", "0")]
    [TestCase("top_p", "1.5")]
    [TestCase("max_output_tokens", "0")]
    [TestCase("max_input_tokens", "0")]
    [TestCase("input_cost_per_token", "-1")]
    [TestCase("usage_id", "\"\"")]
    [TestCase("reasoning_summary", "\"verbose\"")]
    [TestCase("temperature", "\"Infinity\"")]
    [TestCase("temperature", "\"NaN\"")]
    public void Read_OutOfRange_ThrowsNamingJsonField(string field, string json)
    {
        var act = () => Read($$"""{"model":"m","{{field}}":{{json}}}""");

        act.Should().Throw<LlmFormatException>().Which.Message.Should().Contain($"'{field}'");
    }

    [TestCase("""{}""")]
    [TestCase("""{"model":""}""")]
    [TestCase("""{"model":"   "}""")]
    [TestCase("""{"model":null}""")]
    [TestCase("""{"model":7}""")]
    [TestCase("""[]""")]
    [TestCase("\"m\"")]
    public void Read_NoUsableModel_Throws(string json)
    {
        var act = () => Read(json);

        act.Should().Throw<LlmFormatException>();
    }

    [TestCase(8.0, "8.0")]
    [TestCase(0.0, "0.0")]
    [TestCase(2.5, "2.5")]
    [TestCase(0.2, "0.2")]
    public void Write_Float_UsesPythonStyle(double value, string expected)
    {
        var text = Encoding.UTF8.GetString(LlmJsonCodec.ToProfileBytes(
            new Llm("m") { RetryMultiplier = value, Temperature = value }, SecretExposure.Plaintext, null));

        text.Should().Contain($"\"retry_multiplier\": {expected},").And.Contain($"\"temperature\": {expected},");
    }

    // ---- schema_version -------------------------------------------------------------------------------------

    [TestCase(2)]
    [TestCase(99)]
    public async Task Load_NewerSchemaVersion_ThrowsInvalidProfileNewerThanSupported(int version)
    {
        using var dir = TempDirectory.Create();
        var path = dir.Combine("future.json");
        File.WriteAllText(path, $$"""{"model":"openai/gpt-4o","api_key":"sk-test-future-one","schema_version":{{version}}}""");
        var before = File.ReadAllBytes(path);
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        var act = () => store.LoadAsync("future");

        var error = (await act.Should().ThrowAsync<InvalidProfileException>()).Which;
        error.Message.Should().Contain("newer than supported").And.Contain("future").And.NotContain("sk-test-future-one");
        error.ProfileName.Should().Be(ProfileName.Create("future"));
        File.ReadAllBytes(path).Should().Equal(before);
    }

    [TestCase("\"1\"")]
    [TestCase("1.0")]
    [TestCase("1.5")]
    [TestCase("true")]
    [TestCase("false")]
    [TestCase("[1]")]
    [TestCase("{}")]
    [TestCase("\"one\"")]
    public async Task Load_NonIntegerSchemaVersion_ThrowsInvalidProfile(string version)
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("odd.json"), $$"""{"model":"openai/gpt-4o","schema_version":{{version}}}""");
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        var act = () => store.LoadAsync("odd");

        (await act.Should().ThrowAsync<InvalidProfileException>()).Which.Message.Should().Contain("schema_version must be an integer");
    }

    [TestCase("")]
    [TestCase(",\"schema_version\":null")]
    [TestCase(",\"schema_version\":0")]
    [TestCase(",\"schema_version\":1")]
    public async Task Load_SchemaVersionAbsentNullZeroOrOne_Loads(string versionPart)
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("ok.json"), $$"""{"model":"openai/gpt-4o"{{versionPart}}}""");
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        (await store.LoadAsync("ok")).Model.Should().Be("openai/gpt-4o");
    }

    [Test]
    public void Read_SchemaVersionOutsideProfileFile_IsIgnored()
    {
        using var document = JsonDocument.Parse("""{"model":"m","schema_version":7}""");

        var llm = LlmJsonCodec.Read(document.RootElement, null, isProfileFile: false, Fail);

        llm.Model.Should().Be("m");
        llm.AdditionalProperties.Should().NotContainKey("schema_version");
    }

    // ---- OpenHands proxy canonicalization ----------------------------------------------------------------------

    [Test]
    public async Task Load_LegacyProxyFixture_IsCanonicalOpenHandsModel()
    {
        using var dir = TempDirectory.Create();
        CopyFixture(dir, "plaintext/proxy_legacy.json", "legacy");
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        var llm = await store.LoadAsync("legacy");
        var summaries = await store.ListSummariesAsync();

        llm.Model.Should().Be("openhands/claude-opus-4-8");
        llm.BaseUrl.Should().BeNull();
        llm.AdditionalProperties.Should().BeEmpty();
        summaries.Should().Equal(new LlmProfileSummary(ProfileName.Create("legacy"), "openhands/claude-opus-4-8", null, null, false));
    }

    [Test]
    public async Task Save_LegacyProxyProfile_WritesCanonicalForm()
    {
        using var dir = TempDirectory.Create();
        CopyFixture(dir, "plaintext/proxy_legacy.json", "legacy");
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        await store.SaveAsync("legacy", await store.LoadAsync("legacy"));

        using var saved = JsonDocument.Parse(File.ReadAllBytes(dir.Combine("legacy.json")));
        saved.RootElement.GetProperty("model").GetString().Should().Be("openhands/claude-opus-4-8");
        saved.RootElement.TryGetProperty("base_url", out _).Should().BeFalse();
    }

    [TestCase("litellm_proxy/custom-alias", "https://proxy.example.com/")]
    [TestCase("litellm_proxy/custom-alias", "https://llm-proxy.app.all-hands.dev/")]
    [TestCase("litellm_proxy/claude-opus-4-8", "https://proxy.example.com/")]
    [TestCase("litellm_proxy/claude-opus-4-8", "http://llm-proxy.app.all-hands.dev/")]
    [TestCase("litellm_proxy/claude-opus-4-8", "https://llm-proxy.app.all-hands.dev/v2")]
    [TestCase("anthropic/claude-opus-4-8", "https://llm-proxy.app.all-hands.dev/")]
    public void Read_NonVerifiedOrNonProxy_IsUnchanged(string model, string baseUrl)
    {
        var llm = Read($$"""{"model":"{{model}}","base_url":"{{baseUrl}}","schema_version":1}""");

        llm.Model.Should().Be(model);
        llm.BaseUrl.Should().Be(baseUrl);
    }

    [TestCase("litellm_proxy/claude-opus-4-8", "https://llm-proxy.app.all-hands.dev", "openhands/claude-opus-4-8")]
    [TestCase("litellm_proxy/gpt-5.5", "https://llm-proxy.app.all-hands.dev/v1/", "openhands/gpt-5.5")]
    [TestCase("litellm_proxy/claude-opus-4-8", "https://llm-proxy.app.all-hands.dev/?x=1", "openhands/claude-opus-4-8")]
    [TestCase("litellm_proxy/claude-opus-4-8", " https://llm-proxy.app.all-hands.dev/ ", "openhands/claude-opus-4-8")]
    [TestCase("openhands/anything", "https://llm-proxy.app.all-hands.dev/v1", "openhands/anything")]
    public void Read_ProxyUrl_IsCanonicalizedAndBaseUrlDropped(string model, string baseUrl, string expected)
    {
        var llm = Read($$"""{"model":"{{model}}","base_url":"{{baseUrl}}"}""");

        llm.Model.Should().Be(expected);
        llm.BaseUrl.Should().BeNull();
    }

    [Test]
    public void Read_OpenHandsModelWithOtherUrl_KeepsUrl() =>
        Read("""{"model":"openhands/x","base_url":"https://my-proxy.example.test"}""").BaseUrl.Should().Be("https://my-proxy.example.test");

    // ---- secrets -------------------------------------------------------------------------------------------

    [Test]
    public void Read_RedactedSentinel_IsNull()
    {
        var llm = Read("""
            {"model":"m","api_key":"**********","aws_access_key_id":"**********",
             "aws_secret_access_key":"**********","aws_session_token":"**********"}
            """);

        llm.ApiKey.Should().BeNull();
        llm.AwsAccessKeyId.Should().BeNull();
        llm.AwsSecretAccessKey.Should().BeNull();
        llm.AwsSessionToken.Should().BeNull();
        llm.AdditionalProperties.Should().BeEmpty();
    }

    [TestCase("\"\"")]
    [TestCase("\"   \\t\\n \"")]
    [TestCase("null")]
    [TestCase("{}")]
    [TestCase("[]")]
    public void Read_BlankSecret_IsNull(string json) =>
        Read($$"""{"model":"m","api_key":{{json}}}""").ApiKey.Should().BeNull();

    [Test]
    public void Write_Redacted_ReadsBackAsNoSecrets()
    {
        var llm = new Llm("m") { ApiKey = new SecretString("sk-test-redact-one"), AwsSessionToken = new SecretString("sk-test-redact-two") };

        var text = Encoding.UTF8.GetString(LlmJsonCodec.ToProfileBytes(llm, SecretExposure.Redacted, null));

        text.Should().NotContain("sk-test-redact").And.Contain("\"api_key\": \"**********\"");
        var back = Read(text);
        back.ApiKey.Should().BeNull();
        back.AwsSessionToken.Should().BeNull();
    }

    [Test]
    public void Write_Encrypted_TokensDecryptOnRead()
    {
        var cipher = new Cipher(Passphrase);
        var llm = new Llm("m")
        {
            ApiKey = new SecretString("sk-test-enc-one"),
            AwsAccessKeyId = new SecretString("sk-test-enc-two"),
            AwsSecretAccessKey = new SecretString("sk-test-enc-three"),
            AwsSessionToken = new SecretString("sk-test-enc-four"),
        };

        var text = Encoding.UTF8.GetString(LlmJsonCodec.ToProfileBytes(llm, SecretExposure.Encrypted, cipher));

        text.Should().NotContain("sk-test-enc");
        using var document = JsonDocument.Parse(text);
        foreach (var field in LlmJsonCodec.SecretFieldNames)
        {
            document.RootElement.GetProperty(field).GetString().Should().StartWith("gAAAAA");
        }

        Read(text, cipher).Should().Be(llm);
    }

    [Test]
    public void Write_EncryptedWithoutCipher_ThrowsInvalidOperation()
    {
        var act = () => LlmJsonCodec.ToProfileBytes(new Llm("m") { ApiKey = new SecretString("sk-test-one") }, SecretExposure.Encrypted, null);

        act.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("no cipher");
    }

    [TestCase("api_key")]
    [TestCase("aws_access_key_id")]
    [TestCase("aws_secret_access_key")]
    [TestCase("aws_session_token")]
    public void Read_TokenWithoutCipher_FailsNamingField(string field)
    {
        var token = new Cipher(Passphrase).Encrypt("sk-test-locked-one");

        var act = () => Read($$"""{"model":"m","{{field}}":"{{token}}"}""");

        var error = act.Should().Throw<SecretDecryptionException>().Which;
        error.FieldName.Should().Be(field);
        error.ProfileName.Should().Be("codec-test");
        error.Message.Should().NotContain(token).And.NotContain("sk-test-locked-one");
    }

    [TestCase("api_key")]
    [TestCase("aws_session_token")]
    public void Read_TokenWithWrongCipher_FailsNamingField(string field)
    {
        var token = new Cipher(Passphrase).Encrypt("sk-test-locked-two");

        var act = () => Read($$"""{"model":"m","{{field}}":"{{token}}"}""", new Cipher("sk-test-other-key"));

        act.Should().Throw<SecretDecryptionException>().Which.FieldName.Should().Be(field);
    }

    [Test]
    public void Read_PlaintextWithCipher_IsKeptAsPlaintext()
    {
        var llm = Read("""{"model":"m","api_key":"sk-test-plain-with-cipher"}""", new Cipher(Passphrase));

        llm.ApiKey!.Reveal().Should().Be("sk-test-plain-with-cipher");
    }

    [Test]
    public void Read_PlaintextThatLooksLikeToken_FailsInsteadOfVanishing()
    {
        var act = () => Read("""{"model":"m","api_key":"gAAAAAB-sk-test-not-a-token"}""", new Cipher(Passphrase));

        act.Should().Throw<SecretDecryptionException>().Which.FieldName.Should().Be("api_key");
    }

    [Test]
    public void Read_TokenOfEmptyString_IsNull()
    {
        var cipher = new Cipher(Passphrase);

        Read($$"""{"model":"m","api_key":"{{cipher.Encrypt("")}}"}""", cipher).ApiKey.Should().BeNull();
    }

    // ---- what is written -------------------------------------------------------------------------------------

    [Test]
    public void Write_Subscription_OmitsKeyBaseUrlAndHeaders()
    {
        var llm = new Llm("openai/gpt-5")
        {
            AuthType = LlmAuthType.Subscription,
            SubscriptionVendor = "openai",
            ApiKey = new SecretString("sk-test-sub-one"),
            BaseUrl = "https://sub.example.test",
            ExtraHeaders = ImmutableDictionary<string, string>.Empty.Add("X-Sub", "1"),
        };

        foreach (var exposure in Enum.GetValues<SecretExposure>())
        {
            using var document = JsonDocument.Parse(LlmJsonCodec.ToProfileBytes(llm, exposure, new Cipher(Passphrase)));
            var root = document.RootElement;

            root.TryGetProperty("api_key", out _).Should().BeFalse();
            root.TryGetProperty("base_url", out _).Should().BeFalse();
            root.TryGetProperty("extra_headers", out _).Should().BeFalse();
            root.GetProperty("auth_type").GetString().Should().Be("subscription");
            root.GetProperty("subscription_vendor").GetString().Should().Be("openai");
            root.GetProperty("is_subscription").GetBoolean().Should().BeTrue();
        }
    }

    [Test]
    public async Task Save_Subscription_ReloadsAsSubscriptionWithoutSecrets()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var llm = new Llm("openai/gpt-5") { AuthType = LlmAuthType.Subscription, SubscriptionVendor = "openai", ApiKey = new SecretString("sk-test-sub-two") };

        await store.SaveAsync("sub", llm);
        var back = await store.LoadAsync("sub");

        File.ReadAllText(dir.Combine("sub.json")).Should().NotContain("sk-test-sub-two");
        back.IsSubscription.Should().BeTrue();
        back.SubscriptionVendor.Should().Be("openai");
        back.ApiKey.Should().BeNull();
    }

    [Test]
    public void Read_IsSubscriptionTrue_RestoresSubscription()
    {
        var llm = Read("""{"model":"openai/gpt-5","is_subscription":true}""");

        llm.AuthType.Should().Be(LlmAuthType.Subscription);
        llm.AdditionalProperties.Should().BeEmpty();
    }

    [Test]
    public async Task Save_ProviderConnectionProfile_OmitsKeyAndBaseUrl()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path }, new Cipher(Passphrase));
        var llm = new Llm("anthropic/claude-sonnet-4-5")
        {
            ProviderConnectionId = "3f2c9a0e5b7d4c1e8f6a2b9c0d1e2f3a",
            ApiKey = new SecretString("sk-test-linked-one"),
            BaseUrl = "https://linked.example.test",
        };

        await store.SaveAsync("linked", llm);

        var text = File.ReadAllText(dir.Combine("linked.json"));
        using var document = JsonDocument.Parse(text);
        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        names.Should().NotContain("api_key").And.NotContain("base_url");
        names.Take(2).Should().Equal("model", "provider_connection_id");
        text.Should().NotContain("sk-test-linked-one").And.NotContain("linked.example.test").And.NotContain("gAAAAA");
        var back = await store.LoadAsync("linked");
        back.ProviderConnectionId.Should().Be("3f2c9a0e5b7d4c1e8f6a2b9c0d1e2f3a");
        back.ApiKey.Should().BeNull();
        back.BaseUrl.Should().BeNull();
    }

    [Test]
    public void Write_ModifyParams_IsNeverWrittenAndIgnoredOnRead()
    {
        var llm = Read("""{"model":"m","modify_params":false}""");

        llm.AdditionalProperties.Should().BeEmpty();
        Encoding.UTF8.GetString(LlmJsonCodec.ToProfileBytes(llm, SecretExposure.Plaintext, null)).Should().NotContain("modify_params");
    }

    [Test]
    public void Write_DefaultLogFolder_IsNotWritten()
    {
        var text = Encoding.UTF8.GetString(LlmJsonCodec.ToProfileBytes(new Llm("m"), SecretExposure.Plaintext, null));

        text.Should().NotContain("log_completions_folder");
    }

    [Test]
    public void Write_ExplicitLogFolder_IsWrittenAndReadBack()
    {
        var llm = new Llm("m") { LogCompletionsFolder = "/var/log/oh" };

        var back = Read(Encoding.UTF8.GetString(LlmJsonCodec.ToProfileBytes(llm, SecretExposure.Plaintext, null)));

        back.LogCompletionsFolder.Should().Be("/var/log/oh");
    }

    [TestCase("timeout")]
    [TestCase("reasoning_effort")]
    [TestCase("prompt_cache_retention")]
    [TestCase("extended_thinking_budget")]
    [TestCase("disable_stop_word")]
    public async Task Save_NullableFieldWithDefaultSetToNull_RoundTripsAsNull(string field)
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var llm = field switch
        {
            "timeout" => new Llm("m") { Timeout = null },
            "reasoning_effort" => new Llm("m") { ReasoningEffort = null },
            "prompt_cache_retention" => new Llm("m") { PromptCacheRetention = null },
            "extended_thinking_budget" => new Llm("m") { ExtendedThinkingBudget = null },
            _ => new Llm("m") { DisableStopWord = null },
        };

        await store.SaveAsync("nulls", llm);
        var back = await store.LoadAsync("nulls");

        using var document = JsonDocument.Parse(File.ReadAllBytes(dir.Combine("nulls.json")));
        document.RootElement.GetProperty(field).ValueKind.Should().Be(JsonValueKind.Null);
        back.Should().Be(llm);
        object? value = field switch
        {
            "timeout" => back.Timeout,
            "reasoning_effort" => back.ReasoningEffort,
            "prompt_cache_retention" => back.PromptCacheRetention,
            "extended_thinking_budget" => back.ExtendedThinkingBudget,
            _ => back.DisableStopWord,
        };
        value.Should().BeNull();
    }

    [Test]
    public void Write_DefaultNullableFields_WritesPythonDefaults()
    {
        using var document = JsonDocument.Parse(LlmJsonCodec.ToProfileBytes(new Llm("m"), SecretExposure.Plaintext, null));
        var root = document.RootElement;

        root.GetProperty("timeout").GetInt32().Should().Be(300);
        root.GetProperty("reasoning_effort").GetString().Should().Be("high");
        root.GetProperty("prompt_cache_retention").GetString().Should().Be("24h");
        root.GetProperty("extended_thinking_budget").GetInt32().Should().Be(200000);
        root.GetProperty("disable_stop_word").GetBoolean().Should().BeFalse();
        root.TryGetProperty("temperature", out _).Should().BeFalse("nulls without a default are omitted");
        root.TryGetProperty("api_key", out _).Should().BeFalse();
    }

    [Test]
    public async Task Save_File_HasTwoSpaceIndentAndNoTrailingNewline()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        await store.SaveAsync("fmt", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-fmt-one") });

        var bytes = File.ReadAllBytes(dir.Combine("fmt.json"));
        var text = Encoding.UTF8.GetString(bytes);
        bytes[^1].Should().Be((byte)'}');
        text.Should().StartWith("{\n  \"model\": \"openai/gpt-4o\",\n  \"api_key\": \"sk-test-fmt-one\",\n");
        text.Should().EndWith(",\n  \"schema_version\": 1\n}");
        text.Should().NotContain("\r").And.NotContain("\t");
        var lines = text.Split('\n');
        lines[1..^1].Should().OnlyContain(l => Regex.IsMatch(l, "^(  )+[\"}\\]0-9tfn-]"), "every inner line is indented by a multiple of two spaces");
        bytes.Take(3).Should().NotEqual(new byte[] { 0xEF, 0xBB, 0xBF }, "no byte-order mark");
    }

    [Test]
    public void Write_AllFieldsSet_FollowsPythonFieldOrder()
    {
        var llm = new Llm("bedrock/x")
        {
            ApiKey = new SecretString("sk-test-order-one"),
            SubscriptionVendor = "openai",
            BaseUrl = "https://order.example.test",
            ApiVersion = "v1",
            AwsAccessKeyId = new SecretString("sk-test-order-two"),
            AwsSecretAccessKey = new SecretString("sk-test-order-three"),
            AwsSessionToken = new SecretString("sk-test-order-four"),
            AwsRegionName = "r",
            AwsProfileName = "p",
            AwsRoleName = "role",
            AwsSessionName = "s",
            AwsBedrockRuntimeEndpoint = "e",
            Temperature = 0.5,
            TopP = 0.5,
            TopK = 5,
            MaxInputTokens = 10,
            MaxOutputTokens = 10,
            ModelCanonicalName = "c",
            ApiMode = LlmApiMode.Responses,
            CapabilityOverrides = ImmutableDictionary<string, JsonElement>.Empty.Add("supports_vision", Json("true")),
            ExtraHeaders = ImmutableDictionary<string, string>.Empty.Add("X", "y"),
            InputCostPerToken = 1e-6,
            OutputCostPerToken = 2e-6,
            OllamaBaseUrl = "http://o",
            DisableVision = true,
            LogCompletionsFolder = "f",
            CustomTokenizer = "t",
            ForceStringSerializer = true,
            InlineImageUrls = false,
            ReasoningSummary = "auto",
            Seed = 1,
            LitellmExtraBody = ImmutableDictionary<string, JsonElement>.Empty.Add("k", Json("{}")),
            AdditionalProperties = ImmutableDictionary<string, JsonElement>.Empty.Add("zz_future", Json("1")),
        };

        using var document = JsonDocument.Parse(LlmJsonCodec.ToProfileBytes(llm, SecretExposure.Plaintext, null));
        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();

        names[0].Should().Be("model");
        names[^1].Should().Be("schema_version");
        names[^2].Should().Be("zz_future");
        names.Where(n => n != "zz_future").Should().Equal(PythonFieldOrder.Where(n => n != "modify_params" && n != "provider_connection_id"));
        Read(Encoding.UTF8.GetString(LlmJsonCodec.ToProfileBytes(llm, SecretExposure.Plaintext, null))).Should().Be(llm);
    }

    [Test]
    public void Write_ApiModeAndAuthType_UsePythonSpelling()
    {
        using var document = JsonDocument.Parse(LlmJsonCodec.ToProfileBytes(new Llm("m") { ApiMode = LlmApiMode.Chat }, SecretExposure.Plaintext, null));

        document.RootElement.GetProperty("api_mode").GetString().Should().Be("chat");
        document.RootElement.GetProperty("auth_type").GetString().Should().Be("api_key");
        document.RootElement.GetProperty("is_subscription").GetBoolean().Should().BeFalse();
    }

    [Test]
    public void Write_NonAsciiValues_RoundTrip()
    {
        var llm = new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-ünïcødé-密钥-🔑"), UsageId = "usage-ü" };

        var bytes = LlmJsonCodec.ToProfileBytes(llm, SecretExposure.Plaintext, null);

        bytes.Should().OnlyContain(b => b < 0x80, "non-ASCII text is escaped as \\uXXXX, as Python writes it");
        Read(Encoding.UTF8.GetString(bytes)).ApiKey!.Reveal().Should().Be("sk-test-ünïcødé-密钥-🔑");
    }

    [Test]
    public void Read_AzureModelWithoutVersion_WritesPreviewVersion()
    {
        var llm = Read("""{"model":"azure/gpt-4o"}""");

        using var document = JsonDocument.Parse(LlmJsonCodec.ToProfileBytes(llm, SecretExposure.Plaintext, null));
        document.RootElement.GetProperty("api_version").GetString().Should().Be("2024-12-01-preview");
    }

    [Test]
    public void Read_OpenAiModelWithDefaultOpenAiUrl_DropsUrl()
    {
        var llm = Read("""{"model":"openai/gpt-4o","base_url":"https://api.openai.com/"}""");

        llm.BaseUrl.Should().BeNull();
        Encoding.UTF8.GetString(LlmJsonCodec.ToProfileBytes(llm, SecretExposure.Plaintext, null)).Should().NotContain("base_url");
    }

    private static Llm Read(string json, Cipher? cipher = null)
    {
        using var document = JsonDocument.Parse(json);
        return LlmJsonCodec.Read(document.RootElement, cipher, isProfileFile: true, Fail);
    }

    private static Exception Fail(string field, string reason) => new SecretDecryptionException("codec-test", field, reason);

    private static byte[] CopyFixture(TempDirectory dir, string relative, string name)
    {
        var source = Path.Combine([Fixtures.Python, "profiles", .. relative.Split('/')]);
        var target = dir.Combine(name + ".json");
        File.Copy(source, target);
        return File.ReadAllBytes(target);
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
