using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Llms;

/// <summary>
/// <see cref="Llm"/> equality compares fields, not serialized bytes (issue 10): every persisted field counts, secrets are
/// compared by value, <c>usage_id</c> and the source profile do not count, and the hash code reveals nothing.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Llm")]
public sealed class LlmEqualityTests
{
    private static readonly string[] NotCompared = [nameof(Llm.UsageId), nameof(Llm.SourceProfile)];

    private static Llm Full() => new("bedrock/anthropic.claude")
    {
        ApiKey = new SecretString("sk-test-eq-key-one"),
        AwsAccessKeyId = new SecretString("sk-test-eq-aws-two"),
        AwsSecretAccessKey = new SecretString("sk-test-eq-c"),
        AwsSessionToken = new SecretString("sk-test-eq-d"),
        BaseUrl = "https://eq.example.test",
        Temperature = 0.3,
        ExtraHeaders = ImmutableDictionary<string, string>.Empty.Add("X-Team", "blue"),
        CapabilityOverrides = ImmutableDictionary<string, JsonElement>.Empty.Add("supports_vision", Json("true")),
        LitellmExtraBody = ImmutableDictionary<string, JsonElement>.Empty.Add("metadata", Json("""{"tags":["a"]}""")),
        AdditionalProperties = ImmutableDictionary<string, JsonElement>.Empty.Add("future", Json("[1,2]")),
    };

    /// <summary>Every settable public property of <see cref="Llm"/>, found by reflection so that a new field is covered too.</summary>
    public static IEnumerable<TestCaseData> ComparedProperties() =>
        typeof(Llm).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null && !NotCompared.Contains(p.Name))
            .Select(p => new TestCaseData(p.Name).SetArgDisplayNames(p.Name));

    [TestCaseSource(nameof(ComparedProperties))]
    public void Equals_OneFieldDiffers_IsFalse(string property)
    {
        var original = Full();
        var changed = With(original, property);

        changed.Should().NotBe(original);
        original.Should().NotBe(changed);
    }

    [TestCaseSource(nameof(ComparedProperties))]
    public void Equals_SameValuesInSeparateInstances_IsTrueWithEqualHashCodes(string property)
    {
        var a = With(Full(), property);
        var b = With(Full(), property);

        a.Should().Be(b);
        a.GetHashCode().Should().Be(b.GetHashCode());
    }

    [Test]
    public void Equals_UsageIdOrSourceProfileDiffer_IsTrue()
    {
        var a = Full();
        var b = a with { UsageId = "condenser", SourceProfile = ProfileName.Create("fast") };

        b.Should().Be(a);
        b.GetHashCode().Should().Be(a.GetHashCode());
    }

    [Test]
    public void Equals_SecretsAreComparedByValueNotByInstance()
    {
        var a = new Llm("m") { ApiKey = new SecretString("sk-test-eq-e") };

        (a with { ApiKey = new SecretString("sk-test-eq-e") }).Should().Be(a);
        (a with { ApiKey = new SecretString("sk-test-eq-f") }).Should().NotBe(a);
        (a with { ApiKey = null }).Should().NotBe(a);
    }

    [Test]
    public void Equals_SubscriptionLlms_IgnoreKeyBaseUrlAndHeadersThatAreNeverPersisted()
    {
        var a = new Llm("openai/gpt-5") { AuthType = LlmAuthType.Subscription, SubscriptionVendor = "openai" };
        var b = a with { ApiKey = new SecretString("sk-test-eq-g"), BaseUrl = "https://sub.example.test", ExtraHeaders = ImmutableDictionary<string, string>.Empty.Add("X", "1") };

        b.Should().Be(a);
        b.GetHashCode().Should().Be(a.GetHashCode());
        (b with { SubscriptionVendor = "other" }).Should().NotBe(a);
    }

    [Test]
    public void Equals_MapsCompareJsonValues()
    {
        var a = new Llm("m") { LitellmExtraBody = ImmutableDictionary<string, JsonElement>.Empty.Add("k", Json("""{"a":1,"b":[true,null]}""")) };

        (a with { LitellmExtraBody = ImmutableDictionary<string, JsonElement>.Empty.Add("k", Json("""{ "b": [true, null], "a": 1 }""")) }).Should().Be(a);
        (a with { LitellmExtraBody = ImmutableDictionary<string, JsonElement>.Empty.Add("k", Json("""{"a":2,"b":[true,null]}""")) }).Should().NotBe(a);
    }

    [Test]
    public void GetHashCode_DoesNotDependOnSecrets()
    {
        var a = new Llm("m") { ApiKey = new SecretString("sk-test-eq-h") };

        (a with { ApiKey = new SecretString("sk-test-eq-longer") }).GetHashCode().Should().Be(a.GetHashCode());
        (a with { ApiKey = null }).GetHashCode().Should().Be(a.GetHashCode());
    }

    /// <summary>A copy of <paramref name="llm"/> with <paramref name="property"/> set to another valid value.</summary>
    private static Llm With(Llm llm, string property)
    {
        var info = typeof(Llm).GetProperty(property)!;
        var copy = (Llm)typeof(Llm).GetMethod("<Clone>$")!.Invoke(llm, null)!;
        info.SetValue(copy, Other(info.PropertyType, info.GetValue(llm), property));
        return copy;
    }

    private static object? Other(Type type, object? current, string property)
    {
        if (type == typeof(string))
        {
            return property == nameof(Llm.ReasoningSummary) ? (current as string == "concise" ? "detailed" : "concise") : current + "-other";
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying switch
        {
            _ when underlying == typeof(SecretString) => new SecretString("sk-test-eq-j"),
            _ when underlying == typeof(int) => (int?)current == 7 ? 8 : 7,
            _ when underlying == typeof(double) => (double?)current == 0.5 ? 0.25 : 0.5,
            _ when underlying == typeof(bool) => !((bool?)current ?? false),
            _ when underlying.IsEnum => Enum.GetValues(underlying).Cast<object>().First(v => !v.Equals(current)),
            _ when underlying == typeof(ImmutableDictionary<string, string>) =>
                ((ImmutableDictionary<string, string>?)current ?? ImmutableDictionary<string, string>.Empty).SetItem("X-Other", "1"),
            _ when underlying == typeof(ImmutableDictionary<string, JsonElement>) =>
                ((ImmutableDictionary<string, JsonElement>)current!).SetItem("other", Json("\"1\"")),
            _ when underlying == typeof(ImmutableArray<ProfileName>) => ((ImmutableArray<ProfileName>)current!).Add(ProfileName.Create("other")),
            _ => throw new NotSupportedException($"No other value for {type.Name} ({property}); extend the table."),
        };
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
