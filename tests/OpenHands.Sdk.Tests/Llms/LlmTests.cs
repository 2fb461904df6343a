using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Llms;

[Parallelizable(ParallelScope.All)]
[Category("Llm")]
public sealed class LlmTests
{
    [Test]
    public void Constructor_Model_SetsPythonDefaults()
    {
        var llm = new Llm("openai/gpt-4o");

        llm.Model.Should().Be("openai/gpt-4o");
        llm.ApiKey.Should().BeNull();
        llm.AuthType.Should().Be(LlmAuthType.ApiKey);
        llm.OpenRouterSiteUrl.Should().Be("https://docs.all-hands.dev/");
        llm.OpenRouterAppName.Should().Be("OpenHands");
        llm.NumRetries.Should().Be(5);
        llm.RetryMultiplier.Should().Be(8.0);
        llm.RetryMinWait.Should().Be(8);
        llm.RetryMaxWait.Should().Be(64);
        llm.Timeout.Should().Be(300);
        llm.MaxMessageChars.Should().Be(30000);
        llm.ApiMode.Should().Be(LlmApiMode.Auto);
        llm.CapabilityOverrides.Should().BeEmpty();
        llm.ExtraHeaders.Should().BeNull();
        llm.Stream.Should().BeFalse();
        llm.DropParams.Should().BeTrue();
        llm.DisableStopWord.Should().BeFalse();
        llm.CachingPrompt.Should().BeTrue();
        llm.LogCompletions.Should().BeFalse();
        llm.LogCompletionsFolder.Should().BeNull();
        llm.NativeToolCalling.Should().BeTrue();
        llm.ReasoningEffort.Should().Be("high");
        llm.EnableEncryptedReasoning.Should().BeTrue();
        llm.PromptCacheRetention.Should().Be("24h");
        llm.ExtendedThinkingBudget.Should().Be(200000);
        llm.UsageId.Should().Be("default");
        llm.LitellmExtraBody.Should().BeEmpty();
        llm.AdditionalProperties.Should().BeEmpty();
        llm.SourceProfile.Should().BeNull();
        llm.IsSubscription.Should().BeFalse();
    }

    [TestCase("")]
    [TestCase(" ")]
    [TestCase("\t\n")]
    public void Constructor_BlankModel_ThrowsArgumentException(string model)
    {
        var act = () => new Llm(model);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Model");
    }

    [Test]
    public void Constructor_NullModel_ThrowsArgumentNullException()
    {
        var act = () => new Llm(null!);

        act.Should().Throw<ArgumentNullException>();
    }

    [TestCase("")]
    [TestCase("  ")]
    public void With_BlankModelOrUsageId_ThrowsArgumentException(string blank)
    {
        var llm = new Llm("openai/gpt-4o");

        llm.Invoking(l => l with { Model = blank }).Should().Throw<ArgumentException>();
        llm.Invoking(l => l with { UsageId = blank }).Should().Throw<ArgumentException>();
    }

    public static IEnumerable<TestCaseData> OutOfRangeValues()
    {
        var index = 0;
        var llm = new Llm("openai/gpt-4o");
        yield return Case("NumRetries", () => _ = llm with { NumRetries = -1 });
        yield return Case("RetryMultiplier", () => _ = llm with { RetryMultiplier = -0.5 });
        yield return Case("RetryMultiplier", () => _ = llm with { RetryMultiplier = double.NaN });
        yield return Case("RetryMinWait", () => _ = llm with { RetryMinWait = -1 });
        yield return Case("RetryMaxWait", () => _ = llm with { RetryMaxWait = int.MinValue });
        yield return Case("Timeout", () => _ = llm with { Timeout = -1 });
        yield return Case("MaxMessageChars", () => _ = llm with { MaxMessageChars = 0 });
        yield return Case("Temperature", () => _ = llm with { Temperature = -0.1 });
        yield return Case("Temperature", () => _ = llm with { Temperature = double.NaN });
        yield return Case("TopP", () => _ = llm with { TopP = 1.01 });
        yield return Case("TopP", () => _ = llm with { TopP = -0.01 });
        yield return Case("TopP", () => _ = llm with { TopP = double.NaN });
        yield return Case("TopK", () => _ = llm with { TopK = -1 });
        yield return Case("MaxInputTokens", () => _ = llm with { MaxInputTokens = 0 });
        yield return Case("MaxOutputTokens", () => _ = llm with { MaxOutputTokens = 0 });
        yield return Case("MaxOutputTokens", () => _ = llm with { MaxOutputTokens = -5 });
        yield return Case("InputCostPerToken", () => _ = llm with { InputCostPerToken = -1e-9 });
        yield return Case("OutputCostPerToken", () => _ = llm with { OutputCostPerToken = -1e-9 });
        yield return Case("ReasoningSummary", () => _ = llm with { ReasoningSummary = "verbose" });
        yield return Case("Temperature", () => _ = llm with { Temperature = double.PositiveInfinity });
        yield return Case("TopK", () => _ = llm with { TopK = double.PositiveInfinity });
        yield return Case("RetryMultiplier", () => _ = llm with { RetryMultiplier = double.PositiveInfinity });
        yield return Case("InputCostPerToken", () => _ = llm with { InputCostPerToken = double.PositiveInfinity });

        TestCaseData Case(string param, Action act) =>
            new TestCaseData(param, act).SetArgDisplayNames($"{index++:00}-{param}");
    }

    [TestCaseSource(nameof(OutOfRangeValues))]
    public void With_OutOfRangeValue_ThrowsArgumentOutOfRange(string param, Action act) =>
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(param);

    [Test]
    public void With_BoundaryValues_AreAccepted()
    {
        var llm = new Llm("openai/gpt-4o") with
        {
            NumRetries = 0,
            RetryMultiplier = 0,
            RetryMinWait = 0,
            RetryMaxWait = 0,
            Timeout = 0,
            MaxMessageChars = 1,
            Temperature = 0,
            TopP = 1,
            TopK = 0,
            MaxInputTokens = 1,
            MaxOutputTokens = 1,
            InputCostPerToken = 0,
            OutputCostPerToken = 0,
            ReasoningSummary = "detailed",
        };

        llm.TopP.Should().Be(1);
        (llm with { TopP = 0 }).TopP.Should().Be(0);
        llm.MaxOutputTokens.Should().Be(1);
    }

    [TestCase("auto")]
    [TestCase("concise")]
    [TestCase("detailed")]
    [TestCase(null)]
    public void ReasoningSummary_KnownValue_IsAccepted(string? value) =>
        (new Llm("m") with { ReasoningSummary = value }).ReasoningSummary.Should().Be(value);

    [TestCase("low")]
    [TestCase("xhigh")]
    [TestCase("none")]
    [TestCase("provider-specific")]
    [TestCase(null)]
    public void ReasoningEffort_AnyString_IsAccepted(string? value) =>
        (new Llm("m") with { ReasoningEffort = value }).ReasoningEffort.Should().Be(value);

    [Test]
    public void NullableFieldsWithDefaults_CanBeSetToNull()
    {
        var llm = new Llm("m")
        {
            Timeout = null,
            ReasoningEffort = null,
            PromptCacheRetention = null,
            ExtendedThinkingBudget = null,
            DisableStopWord = null,
        };

        llm.Timeout.Should().BeNull();
        llm.ReasoningEffort.Should().BeNull();
        llm.PromptCacheRetention.Should().BeNull();
        llm.ExtendedThinkingBudget.Should().BeNull();
        llm.DisableStopWord.Should().BeNull();
    }

    [TestCase("azure/gpt-4o")]
    [TestCase("azure/my-deployment")]
    public void ApiVersion_AzureModelWithoutVersion_IsPreviewDefault(string model)
    {
        new Llm(model).ApiVersion.Should().Be("2024-12-01-preview");
        new Llm(model) { ApiVersion = string.Empty }.ApiVersion.Should().Be("2024-12-01-preview");
    }

    [Test]
    public void ApiVersion_AzureModelWithVersion_IsKept() =>
        new Llm("azure/gpt-4o") { ApiVersion = "2025-01-01" }.ApiVersion.Should().Be("2025-01-01");

    [TestCase("openai/gpt-4o")]
    [TestCase("anthropic/claude-sonnet-4-5")]
    public void ApiVersion_NonAzureModel_StaysNull(string model) =>
        new Llm(model).ApiVersion.Should().BeNull();

    [Test]
    public void ApiVersion_ModelChangedToAzure_FollowsModel()
    {
        var llm = new Llm("openai/gpt-4o");

        (llm with { Model = "azure/gpt-4o" }).ApiVersion.Should().Be("2024-12-01-preview");
    }

    [TestCase("https://api.openai.com")]
    [TestCase("https://api.openai.com/")]
    public void BaseUrl_OpenAiModelWithDefaultOpenAiUrl_ReadsNull(string url) =>
        new Llm("openai/gpt-4o") { BaseUrl = url }.BaseUrl.Should().BeNull();

    [TestCase("openai/gpt-4o", "https://api.openai.com/v1")]
    [TestCase("openai/gpt-4o", "https://proxy.example.test/")]
    [TestCase("openai/gpt-4o", "")]
    [TestCase("anthropic/claude-sonnet-4-5", "https://api.openai.com")]
    [TestCase("gpt-4o", "https://api.openai.com/")]
    public void BaseUrl_OtherModelOrUrl_IsKept(string model, string url) =>
        new Llm(model) { BaseUrl = url }.BaseUrl.Should().Be(url);

    [Test]
    public void Equals_DifferentUsageIdAndSourceProfile_AreEqual()
    {
        var a = new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-eq-one"), UsageId = "agent" };
        var b = a with { UsageId = "condenser", SourceProfile = ProfileName.Create("fast") };

        b.Should().Be(a);
        (a == b).Should().BeTrue();
        a.GetHashCode().Should().Be(b.GetHashCode());
    }

    [Test]
    public void Equals_EquivalentInstancesBuiltSeparately_AreEqual()
    {
        Llm Build() => new("anthropic/claude-sonnet-4-5")
        {
            ApiKey = new SecretString("sk-test-eq-two"),
            Temperature = 0.2,
            ExtraHeaders = ImmutableDictionary<string, string>.Empty.Add("A", "1").Add("B", "2"),
            LitellmExtraBody = ImmutableDictionary<string, JsonElement>.Empty.Add("k", Json("[1,2]")),
        };

        Build().Should().Be(Build());
        Build().GetHashCode().Should().Be(Build().GetHashCode());
    }

    public static IEnumerable<TestCaseData> Differences()
    {
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { ApiKey = new SecretString("sk-test-eq-other") })).SetArgDisplayNames("api_key");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { ApiKey = null })).SetArgDisplayNames("api_key-null");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { AwsSecretAccessKey = new SecretString("sk-test-aws") })).SetArgDisplayNames("aws_secret_access_key");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { AwsSessionToken = new SecretString("sk-test-aws-session") })).SetArgDisplayNames("aws_session_token");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { Model = "openai/gpt-4o-mini" })).SetArgDisplayNames("model");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { BaseUrl = "https://x.example.test" })).SetArgDisplayNames("base_url");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { Temperature = 0.3 })).SetArgDisplayNames("temperature");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { Timeout = null })).SetArgDisplayNames("timeout-null");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { ProviderConnectionId = "conn-1" })).SetArgDisplayNames("provider_connection_id");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { AuthType = LlmAuthType.Subscription })).SetArgDisplayNames("auth_type");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { ExtraHeaders = ImmutableDictionary<string, string>.Empty.Add("X", "y") })).SetArgDisplayNames("extra_headers");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { LitellmExtraBody = l.LitellmExtraBody.Add("x", Json("1")) })).SetArgDisplayNames("litellm_extra_body");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { AdditionalProperties = l.AdditionalProperties.Add("future_field", Json("\"v\"")) })).SetArgDisplayNames("unknown-field-added");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { AdditionalProperties = l.AdditionalProperties.SetItem("future", Json("2")) })).SetArgDisplayNames("unknown-field-value");
        yield return new TestCaseData((Func<Llm, Llm>)(l => l with { LogCompletionsFolder = "logs/completions" })).SetArgDisplayNames("log_completions_folder");
    }

    [TestCaseSource(nameof(Differences))]
    public void Equals_PersistedFieldDiffers_AreNotEqual(Func<Llm, Llm> change)
    {
        var a = new Llm("openai/gpt-4o")
        {
            ApiKey = new SecretString("sk-test-eq-three"),
            AdditionalProperties = ImmutableDictionary<string, JsonElement>.Empty.Add("future", Json("1")),
        };

        var b = change(a);

        b.Should().NotBe(a);
        (a != b).Should().BeTrue();
    }

    [Test]
    public void Equals_Null_IsFalse()
    {
        var llm = new Llm("m");

        llm.Equals(null).Should().BeFalse();
        (llm == null).Should().BeFalse();
    }

    [Test]
    public void With_ChangesOnlyTheCopy()
    {
        var original = new Llm("openai/gpt-4o") { Temperature = 0.1, ApiKey = new SecretString("sk-test-with-one") };

        var copy = original with { Temperature = 0.7, MaxOutputTokens = 1024 };

        original.Temperature.Should().Be(0.1);
        original.MaxOutputTokens.Should().BeNull();
        copy.Temperature.Should().Be(0.7);
        copy.MaxOutputTokens.Should().Be(1024);
        copy.ApiKey.Should().BeSameAs(original.ApiKey);
        copy.Model.Should().Be("openai/gpt-4o");
    }

    [Test]
    public void With_OutOfRangeValue_LeavesOriginalIntact()
    {
        var original = new Llm("openai/gpt-4o") { NumRetries = 2 };

        original.Invoking(o => o with { NumRetries = -3 }).Should().Throw<ArgumentOutOfRangeException>();
        original.NumRetries.Should().Be(2);
    }

    [Test]
    public void IsSubscription_FollowsAuthType()
    {
        new Llm("openai/gpt-5") { AuthType = LlmAuthType.Subscription }.IsSubscription.Should().BeTrue();
        new Llm("openai/gpt-5") { AuthType = LlmAuthType.ApiKey }.IsSubscription.Should().BeFalse();
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
