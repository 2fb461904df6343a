using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Security;

/// <summary>
/// Credential-carrying <c>extra_headers</c> values are secrets like <c>api_key</c> (issue 10): encrypted at rest with a
/// cipher, redacted without exposure, absent from conversation snapshots, removed by the redactor, decrypted on load.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Security")]
public sealed class SecretHeadersTests
{
    private const string Bearer = "sk-test-hdr-bearer-one";
    private const string AzureKey = "sk-test-hdr-apikey-two";

    private static Llm Canary() => new("openai/gpt-4o")
    {
        ApiKey = new SecretString("sk-test-hdr-main-three"),
        ExtraHeaders = ImmutableDictionary<string, string>.Empty
            .Add("Authorization", "Bearer " + Bearer)
            .Add("api-key", AzureKey)
            .Add("X-Team", "blue"),
    };

    [Test]
    public async Task SaveAsync_WithCipher_CredentialHeadersAreEncryptedAndLoadDecrypted()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path }, new Cipher("sk-test-hdr-cipher"));
        var llm = Canary();

        await store.SaveAsync("canary", llm);
        var back = await store.LoadAsync("canary");

        var text = File.ReadAllText(dir.Combine("canary.json"));
        text.Should().NotContain(Bearer).And.NotContain(AzureKey).And.Contain("\"X-Team\": \"blue\"");
        using var document = JsonDocument.Parse(text);
        var headers = document.RootElement.GetProperty("extra_headers");
        headers.GetProperty("Authorization").GetString().Should().StartWith(Cipher.TokenPrefix);
        headers.GetProperty("api-key").GetString().Should().StartWith(Cipher.TokenPrefix);
        back.ExtraHeaders.Should().Equal(llm.ExtraHeaders);
        back.Should().Be(llm);
    }

    [Test]
    public async Task SaveAsync_WithoutCipher_CredentialHeadersStayPlaintextLikeTheKey()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        await store.SaveAsync("plain", Canary());

        (await store.LoadAsync("plain")).ExtraHeaders!["Authorization"].Should().Be("Bearer " + Bearer);
    }

    [TestCase(SecretExposure.Redacted)]
    [TestCase(SecretExposure.Encrypted)]
    public void ToProfileBytes_NotPlaintext_NeverHoldsHeaderSecrets(SecretExposure exposure)
    {
        var text = Encoding.UTF8.GetString(LlmJsonCodec.ToProfileBytes(Canary(), exposure, new Cipher("sk-test-hdr-cipher")));

        text.Should().NotContain(Bearer).And.NotContain(AzureKey).And.Contain("\"X-Team\": \"blue\"");
        if (exposure == SecretExposure.Redacted)
        {
            text.Should().Contain("\"Authorization\": \"**********\"").And.Contain("\"api-key\": \"**********\"");
        }
    }

    [Test]
    public void Write_Redacted_IsWhatTheServerAnswersWithoutExposure()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            LlmJsonCodec.Write(writer, Canary(), SecretExposure.Redacted, cipher: null, isProfileFile: false);
        }

        Encoding.UTF8.GetString(buffer.WrittenSpan).Should().NotContain(Bearer).And.NotContain(AzureKey);
    }

    [Test]
    public void Read_RedactedCopy_DropsTheCredentialHeadersInsteadOfSendingTheSentinel()
    {
        var redacted = LlmJsonCodec.ToProfileBytes(Canary(), SecretExposure.Redacted, null);

        var back = LlmJsonCodec.Read(redacted, null, isProfileFile: true, (f, r) => new InvalidOperationException(f + r));

        back.ExtraHeaders.Should().Equal(ImmutableDictionary<string, string>.Empty.Add("X-Team", "blue"));
        back.ApiKey.Should().BeNull();
    }

    [Test]
    public void Read_EncryptedHeaderWithoutCipher_ThrowsNamingTheHeader()
    {
        var encrypted = LlmJsonCodec.ToProfileBytes(Canary(), SecretExposure.Encrypted, new Cipher("sk-test-hdr-cipher"));
        var withoutKey = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(encrypted)!;
        withoutKey.Remove("api_key");

        var act = () => LlmJsonCodec.Read(
            JsonSerializer.SerializeToUtf8Bytes(withoutKey), null, isProfileFile: true, (f, r) => new SecretDecryptionException("canary", f, r));

        act.Should().Throw<SecretDecryptionException>().Which.FieldName.Should().StartWith("extra_headers.");
    }

    [Test]
    public void ConversationState_SnapshotAndFile_HoldNoHeaderSecret()
    {
        var llm = Canary();
        var snapshot = ConversationStateCodec.Snapshot(llm);
        var state = new ConversationState { Id = Guid.NewGuid(), LlmSnapshot = llm, WorkingDirectory = "/w", Tools = [new ToolSpec("terminal")] };

        var text = Encoding.UTF8.GetString(ConversationStateCodec.Write(state, persistenceDirectory: null));

        snapshot.ExtraHeaders.Should().Equal(ImmutableDictionary<string, string>.Empty.Add("X-Team", "blue"));
        snapshot.ApiKey.Should().BeNull();
        text.Should().NotContain(Bearer).And.NotContain(AzureKey).And.NotContain("sk-test-hdr-main").And.NotContain("Authorization")
            .And.Contain("X-Team");
    }

    [Test]
    public void ConversationState_ReadSnapshot_DropsHeaderSecretsWhateverTheirForm()
    {
        var plaintext = LlmJsonCodec.ToProfileBytes(Canary(), SecretExposure.Plaintext, null);
        using var document = JsonDocument.Parse(plaintext);

        var snapshot = ConversationStateCodec.ReadSnapshot(document.RootElement);

        snapshot.ExtraHeaders!.Keys.Should().Equal("X-Team");
        snapshot.ApiKey.Should().BeNull();
    }

    [Test]
    public void SecretRedactor_HeaderSecrets_AreRemovedFromText()
    {
        var redactor = new SecretRedactor(Canary());

        var text = redactor.Redact($"401 from provider: bad token {Bearer}, key {AzureKey}, team blue");

        text.Should().NotContain(Bearer).And.NotContain(AzureKey).And.Contain("team blue");
    }

    [Test]
    public void SecretRedactor_AnySecrets_AreRemovedAndNullsSkipped()
    {
        var redactor = new SecretRedactor([new SecretString("sk-test-hdr-session-five"), null]);

        redactor.Redact("session sk-test-hdr-session-five failed").Should().Be("session ********** failed");
    }

    [TestCase("Authorization", true)]
    [TestCase("api-key", true)]
    [TestCase("x-api-key", true)]
    [TestCase("X-Auth-Token", true)]
    [TestCase("Proxy-Authorization", true)]
    [TestCase("X-Client-Secret", true)]
    [TestCase("Cookie", true)]
    [TestCase("X-Password", true)]
    [TestCase("X-Team", false)]
    [TestCase("anthropic-beta", false)]
    [TestCase("Content-Type", false)]
    public void IsSensitiveHeader_Name_IsTheOneRule(string name, bool sensitive) =>
        SecretFields.IsSensitiveHeader(name).Should().Be(sensitive);

    [Test]
    public void LlmFieldNames_AreTheSecretFieldsOfTheContract()
    {
        // The accessors are taken from the contract and checked against the list when the type is first used.
        SecretFields.LlmFieldNames.Should().Equal("api_key", "aws_access_key_id", "aws_secret_access_key", "aws_session_token");
        SecretFields.ValuesOf(new Llm("m") { AwsSessionToken = new SecretString("sk-test-hdr-aws-four") })
            .Should().Equal(("aws_session_token", "sk-test-hdr-aws-four"));
        LlmJsonCodec.SecretFieldNames.Should().Equal(SecretFields.LlmFieldNames);
    }
}
