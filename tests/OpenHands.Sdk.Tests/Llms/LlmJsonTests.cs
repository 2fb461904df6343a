using System.Buffers;
using System.Text.Json;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Llms;

/// <summary>The public read and write of an LLM in the Python shape, which the CLI's migrate and show use (issue 11).</summary>
[Parallelizable(ParallelScope.All)]
[Category("Llms")]
public sealed class LlmJsonTests
{
    private static readonly Cipher Cipher = new("sk-test-llmjson-cipher");

    [Test]
    public void Write_EncryptedThenRead_RoundTripsTheKeyAndFields()
    {
        var llm = new Llm("anthropic/claude-sonnet-4-5") { ApiKey = new SecretString("sk-test-llmjson-one"), BaseUrl = "https://proxy.example.com", Temperature = 0.2 };

        using var json = JsonDocument.Parse(Write(llm, SecretExposure.Encrypted, Cipher));
        json.RootElement.GetProperty("api_key").GetString().Should().StartWith("gAAAAA");
        json.RootElement.TryGetProperty("schema_version", out _).Should().BeTrue("the profile-file shape");

        var read = LlmJson.Read(json.RootElement, Cipher);
        read.Should().Be(llm);
        read.ApiKey!.Reveal().Should().Be("sk-test-llmjson-one");
    }

    [Test]
    public void Write_Redacted_WritesTheSentinelThatReadsBackAsNoKey()
    {
        var text = Write(new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-llmjson-two") }, SecretExposure.Redacted, cipher: null);

        text.Should().Contain("\"api_key\":\"**********\"").And.NotContain("sk-test-llmjson-two");
        using var json = JsonDocument.Parse(text);
        LlmJson.Read(json.RootElement).ApiKey.Should().BeNull();
    }

    [Test]
    public void Read_TokenWithoutItsKey_ThrowsSecretDecryptionNamingTheSource()
    {
        using var json = JsonDocument.Parse(Write(new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-llmjson-three") }, SecretExposure.Encrypted, Cipher));

        var act = () => LlmJson.Read(json.RootElement, new Cipher("sk-test-other-key"), "settings.json (agent_settings.llm)");

        act.Should().Throw<SecretDecryptionException>().WithMessage("*'api_key'*settings.json (agent_settings.llm)*");
    }

    [TestCase("""{"model": 42}""")]
    [TestCase("""{"model": "openai/gpt-4o", "temperature": "hot"}""")]
    [TestCase("""[]""")]
    public void Read_InvalidLlm_ThrowsInvalidProfileNamingTheSource(string text)
    {
        using var json = JsonDocument.Parse(text);

        var act = () => LlmJson.Read(json.RootElement, source: "agent_settings.json (llm)");

        act.Should().Throw<InvalidProfileException>().WithMessage("agent_settings.json (llm) is not a valid LLM: *");
    }

    private static string Write(Llm llm, SecretExposure exposure, Cipher? cipher)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            LlmJson.Write(writer, llm, exposure, cipher);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
