using System.Diagnostics;
using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>
/// Profiles written by Python load here (driven by Fixtures/Python/manifest.json), and profiles and tokens written
/// here are read by Python's <c>cryptography</c> Fernet through Fixtures/Python/decrypt_token.py.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Interop")]
public sealed class PythonInteropTests
{
    private static readonly string[] SecretFields = ["api_key", "aws_access_key_id", "aws_secret_access_key", "aws_session_token"];

    private static readonly Lazy<string?> PythonProblem = new(FindPythonProblem, LazyThreadSafetyMode.ExecutionAndPublication);

    public static IEnumerable<TestCaseData> AllFixtures() => Manifest().Select(AsCase);

    public static IEnumerable<TestCaseData> EncryptedFixtures() => Manifest().Where(e => e.SecretMode == "encrypted").Select(AsCase);

    public static IEnumerable<TestCaseData> RedactedFixtures() => Manifest().Where(e => e.SecretMode == "redacted").Select(AsCase);

    // ---- Python → C# -------------------------------------------------------------------------------------

    [Test]
    public void Manifest_ListsEveryFixtureFile()
    {
        var listed = Manifest().Select(e => Path.GetFullPath(e.FullPath)).ToHashSet();
        var onDisk = Directory.EnumerateFiles(Path.Combine(Fixtures.Python, "profiles"), "*.json", SearchOption.AllDirectories)
            .Select(Path.GetFullPath);

        listed.Should().BeEquivalentTo(onDisk);
        Manifest().Select(e => e.SecretMode).Should().Contain(["plaintext", "encrypted", "redacted"]);
    }

    [TestCaseSource(nameof(AllFixtures))]
    public async Task LoadAsync_PythonFixture_ReturnsExpectedModelBaseUrlAndSecrets(FixtureEntry entry)
    {
        using var dir = TempDirectory.Create();
        CopyInto(dir, entry);
        var store = new LlmProfileStore(new() { Directory = dir.Path }, entry.Passphrase is null ? null : new Cipher(entry.Passphrase));

        var llm = await store.LoadAsync(entry.Name);

        llm.Model.Should().Be(entry.ExpectedModel);
        llm.BaseUrl.Should().Be(entry.ExpectedBaseUrl);
        llm.SourceProfile.Should().Be(ProfileName.Create(entry.Name));
        Secrets(llm).Should().Equal(entry.ExpectedSecrets);
        llm.AdditionalProperties.Keys.Should().BeEquivalentTo(entry.UnknownKeys);
        AssertExpectedFields(llm, entry);
    }

    [TestCaseSource(nameof(AllFixtures))]
    public async Task ListSummariesAsync_PythonFixture_ReportsModelAndKeyWithoutSecrets(FixtureEntry entry)
    {
        using var dir = TempDirectory.Create();
        CopyInto(dir, entry);
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        var summary = (await store.ListSummariesAsync()).Should().ContainSingle().Subject;

        summary.Name.Value.Should().Be(entry.Name);
        summary.Model.Should().Be(entry.ExpectedModel);
        summary.BaseUrl.Should().Be(entry.ExpectedBaseUrl);
        summary.ApiKeySet.Should().Be(entry.StoredApiKeyForm is "plaintext" or "fernet_token");
    }

    [TestCaseSource(nameof(RedactedFixtures))]
    public async Task LoadAsync_RedactedFixture_HasNoSecrets(FixtureEntry entry)
    {
        using var dir = TempDirectory.Create();
        CopyInto(dir, entry);
        var store = new LlmProfileStore(new() { Directory = dir.Path }, new Cipher(entry.Passphrase ?? "sk-test-any-key"));

        var llm = await store.LoadAsync(entry.Name);

        llm.ApiKey.Should().BeNull();
        llm.AwsAccessKeyId.Should().BeNull();
        llm.AwsSecretAccessKey.Should().BeNull();
        llm.AwsSessionToken.Should().BeNull();
    }

    [TestCaseSource(nameof(EncryptedFixtures))]
    public async Task LoadAsync_EncryptedFixtureWithoutCipher_ThrowsNamingProfileAndField(FixtureEntry entry)
    {
        using var dir = TempDirectory.Create();
        var path = CopyInto(dir, entry);
        var before = File.ReadAllBytes(path);
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        var act = () => store.LoadAsync(entry.Name);

        var error = (await act.Should().ThrowAsync<SecretDecryptionException>()).Which;
        error.ProfileName.Should().Be(entry.Name);
        error.FieldName.Should().Be(FirstTokenField(before));
        error.Message.Should().Contain($"'{entry.Name}'").And.Contain($"'{error.FieldName}'");
        AssertNoSecretOrToken(error.Message, entry, before);
        File.ReadAllBytes(path).Should().Equal(before);
    }

    [TestCaseSource(nameof(EncryptedFixtures))]
    public async Task LoadAsync_EncryptedFixtureWithWrongCipher_ThrowsAndLeavesFileUnchanged(FixtureEntry entry)
    {
        using var dir = TempDirectory.Create();
        var path = CopyInto(dir, entry);
        var before = File.ReadAllBytes(path);
        var store = new LlmProfileStore(new() { Directory = dir.Path }, new Cipher(entry.Passphrase + "-wrong"));

        var act = () => store.LoadAsync(entry.Name);

        var error = (await act.Should().ThrowAsync<SecretDecryptionException>()).Which;
        error.ProfileName.Should().Be(entry.Name);
        error.FieldName.Should().Be(FirstTokenField(before));
        AssertNoSecretOrToken(error.Message, entry, before);
        var tryLoad = () => store.TryLoadAsync(ProfileName.Create(entry.Name));
        (await tryLoad.Should().ThrowAsync<SecretDecryptionException>()).Which.FieldName.Should().Be(error.FieldName);
        (await store.ListSummariesAsync()).Should().ContainSingle(s => s.Name.Value == entry.Name);
        File.ReadAllBytes(path).Should().Equal(before);
    }

    [TestCaseSource(nameof(EncryptedFixtures))]
    public async Task SaveAsync_EncryptedFixtureReloadedAndSaved_KeepsSecretsForBothSdks(FixtureEntry entry)
    {
        using var dir = TempDirectory.Create();
        CopyInto(dir, entry);
        var store = new LlmProfileStore(new() { Directory = dir.Path }, new Cipher(entry.Passphrase!));

        var llm = await store.LoadAsync(entry.Name);
        await store.SaveAsync("resaved", llm);
        var back = await store.LoadAsync("resaved");

        back.Should().Be(llm);
        Secrets(back).Should().Equal(entry.ExpectedSecrets);
        var text = File.ReadAllText(dir.Combine("resaved.json"));
        foreach (var value in entry.ExpectedSecrets.Values.OfType<string>())
        {
            text.Should().NotContain(value);
        }

        RequirePython();
        var python = await LoadWithPythonAsync(entry.Passphrase!, dir.Combine("resaved.json"));
        python.Should().Equal(entry.ExpectedSecrets);
    }

    // ---- C# → Python -------------------------------------------------------------------------------------

    [TestCase("sk-test-interop-passphrase", "sk-test-interop-one", null, null, null)]
    [TestCase("sk-test-interop-passphrase", "sk-test-ünïcødé-密钥-テスト-🔑🚀", null, null, null)]
    [TestCase("clé-secrète-🔐", "sk-test-unicode-pass-one", null, null, null)]
    [TestCase("Tgl3slE8-zMSTWrKNhIvoxRG0B00mS_3uT1s3Gk03fs=", "sk-test-fernet-pass-one", null, null, null)]
    [TestCase("test-secret-key-for-fixtures", null, "test-aws-access-id-9001", "test-aws-secret-9001/+=", "test-aws-session-9001")]
    [TestCase("test-secret-key-for-fixtures", "sk-test-all-four-one", "test-aws-id-ü", "test-aws-secret-密", "test-aws-session-🔑")]
    public async Task SaveAsync_WithCipher_PythonDecryptsProfile(string passphrase, string? apiKey, string? awsId, string? awsSecret, string? awsSession)
    {
        RequirePython();
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path }, new Cipher(passphrase));
        var llm = new Llm("bedrock/anthropic.claude-3")
        {
            ApiKey = SecretString.FromNullable(apiKey),
            AwsAccessKeyId = SecretString.FromNullable(awsId),
            AwsSecretAccessKey = SecretString.FromNullable(awsSecret),
            AwsSessionToken = SecretString.FromNullable(awsSession),
            AwsRegionName = "us-east-1",
        };

        await store.SaveAsync("from-csharp", llm);
        var path = dir.Combine("from-csharp.json");

        var text = File.ReadAllText(path);
        foreach (var value in new[] { apiKey, awsId, awsSecret, awsSession }.OfType<string>())
        {
            text.Should().NotContain(value);
        }

        var python = await LoadWithPythonAsync(passphrase, path);
        python.Should().Equal(Secrets(llm));
        python["api_key"].Should().Be(apiKey);
        python["aws_access_key_id"].Should().Be(awsId);
        python["aws_secret_access_key"].Should().Be(awsSecret);
        python["aws_session_token"].Should().Be(awsSession);
    }

    [Test]
    public async Task SaveAsync_PlaintextAndRedacted_PythonReadsSameValues()
    {
        RequirePython();
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var llm = new Llm("anthropic/claude-sonnet-4-5") { ApiKey = new SecretString("sk-test-plain-interop-one+&<>'\"\\"), AwsSessionToken = new SecretString("sk-test-ü") };

        await store.SaveAsync("plain", llm);
        await store.SaveAsync("redacted", llm, new ProfileSaveOptions { IncludeSecrets = false });

        (await LoadWithPythonAsync("unused", dir.Combine("plain.json"))).Should().Equal(Secrets(llm));
        (await LoadWithPythonAsync("unused", dir.Combine("redacted.json"))).Values.Should().OnlyContain(v => v == null);
    }

    [Test]
    public async Task Encrypt_TokensFromCSharp_PythonDecryptsEach()
    {
        RequirePython();
        const string passphrase = "sk-test-pipe-passphrase";
        var cipher = new Cipher(passphrase);
        string[] plaintexts =
        [
            string.Empty,
            "sk-test-pipe-one",
            "sk-test-ünïcødé 密钥 テスト 🔑🚀 café",
            "测试密钥中文字符",
            "😀👍🏽",
            "line1\nline2\t\"quoted\" \\ back",
            string.Concat(Enumerable.Repeat("sk-test-", 128)),
        ];

        var (exit, stdout, stderr) = await RunPythonAsync([passphrase], string.Join("\n", plaintexts.Select(cipher.Encrypt)) + "\n");

        exit.Should().Be(0, stderr);
        var decoded = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<string?>(l)).ToList();
        decoded.Should().Equal(plaintexts);
    }

    [Test]
    public async Task Encrypt_TokenWithOtherPassphrase_PythonRejectsIt()
    {
        RequirePython();
        var good = new Cipher("sk-test-pipe-right").Encrypt("sk-test-pipe-two");
        var bad = new Cipher("sk-test-pipe-wrong").Encrypt("sk-test-pipe-three");

        var (exit, stdout, _) = await RunPythonAsync(["sk-test-pipe-right"], good + "\n" + bad + "\n");

        exit.Should().Be(1, "the helper reports a line that does not decrypt");
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("\"sk-test-pipe-two\"", "null");
    }

    [Test]
    public async Task Encrypt_EveryBlockLength_GivesPaddedTokensPythonDecrypts()
    {
        var cipher = new Cipher("sk-test-padding-passphrase");

        var tokens = Enumerable.Range(0, 40).Select(i => cipher.Encrypt(new string('x', i))).ToList();

        tokens.Should().OnlyContain(t => t.Length % 4 == 0 && t.StartsWith("gAAAAA", StringComparison.Ordinal));
        RequirePython();
        var (exit, stdout, stderr) = await RunPythonAsync(["sk-test-padding-passphrase"], string.Join("\n", tokens) + "\n");
        exit.Should().Be(0, stderr);
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(40);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static void AssertExpectedFields(Llm llm, FixtureEntry entry)
    {
        using var written = JsonDocument.Parse(LlmJsonCodec.ToProfileBytes(llm, SecretExposure.Plaintext, null));
        foreach (var field in entry.ExpectedFields.EnumerateObject())
        {
            written.RootElement.TryGetProperty(field.Name, out var actual).Should().BeTrue($"'{field.Name}' is set in {entry.Path}");
            if (field.Value.ValueKind == JsonValueKind.Number)
            {
                actual.GetDouble().Should().Be(field.Value.GetDouble(), $"'{field.Name}' of {entry.Path}");
            }
            else
            {
                JsonElement.DeepEquals(actual, field.Value).Should().BeTrue($"'{field.Name}' of {entry.Path} is {field.Value}, not {actual}");
            }
        }
    }

    private static void AssertNoSecretOrToken(string message, FixtureEntry entry, byte[] file)
    {
        foreach (var value in entry.ExpectedSecrets.Values.OfType<string>())
        {
            message.Should().NotContain(value);
        }

        using var document = JsonDocument.Parse(file);
        foreach (var field in SecretFields)
        {
            if (document.RootElement.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String)
            {
                message.Should().NotContain(v.GetString()!);
            }
        }
    }

    private static string FirstTokenField(byte[] file)
    {
        using var document = JsonDocument.Parse(file);
        return document.RootElement.EnumerateObject()
            .First(p => SecretFields.Contains(p.Name) && p.Value.ValueKind == JsonValueKind.String && Cipher.LooksEncrypted(p.Value.GetString()))
            .Name;
    }

    private static Dictionary<string, string?> Secrets(Llm llm) => new()
    {
        ["api_key"] = llm.ApiKey?.Reveal(),
        ["aws_access_key_id"] = llm.AwsAccessKeyId?.Reveal(),
        ["aws_secret_access_key"] = llm.AwsSecretAccessKey?.Reveal(),
        ["aws_session_token"] = llm.AwsSessionToken?.Reveal(),
    };

    private static string CopyInto(TempDirectory dir, FixtureEntry entry)
    {
        var target = dir.Combine(entry.Name + ".json");
        File.Copy(entry.FullPath, target);
        return target;
    }

    private static async Task<Dictionary<string, string?>> LoadWithPythonAsync(string passphrase, string path)
    {
        var (exit, stdout, stderr) = await RunPythonAsync(["--load-profile", passphrase, path], null);
        exit.Should().Be(0, $"decrypt_token.py --load-profile failed: {stderr}");
        var result = JsonSerializer.Deserialize<Dictionary<string, string?>>(stdout);
        result.Should().NotBeNull();
        result!.Keys.Should().BeEquivalentTo(SecretFields);
        return result;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunPythonAsync(IEnumerable<string> arguments, string? stdin)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        start.ArgumentList.Add(Path.Combine(Fixtures.Python, "decrypt_token.py"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONUTF8"] = "1";
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("decrypt_token.py did not finish within 60 seconds");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static void RequirePython()
    {
        if (PythonProblem.Value is { } problem)
        {
            Assert.Ignore(problem);
        }
    }

    private static string? FindPythonProblem()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("python3")
            {
                ArgumentList = { "-c", "import cryptography" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return "Python interop skipped: python3 could not be started.";
            }

            var stderr = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                return "Python interop skipped: 'python3 -c \"import cryptography\"' did not finish within 60 seconds.";
            }

            return process.ExitCode == 0
                ? null
                : "Python interop skipped: python3 has no 'cryptography' module (pip install cryptography): "
                  + stderr.Trim().Split('\n')[^1];
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return "Python interop skipped: python3 is not on PATH (" + ex.Message + ").";
        }
    }

    private static List<FixtureEntry> Manifest()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Fixtures.Python, "manifest.json")));
        var entries = new List<FixtureEntry>();
        foreach (var p in document.RootElement.GetProperty("profiles").EnumerateArray())
        {
            var relative = p.GetProperty("path").GetString()!;
            entries.Add(new FixtureEntry(
                relative,
                Path.Combine([Fixtures.Python, .. relative.Split('/')]),
                p.GetProperty("name").GetString()!,
                p.GetProperty("secret_mode").GetString()!,
                p.GetProperty("passphrase").GetString(),
                p.GetProperty("expected_model").GetString()!,
                p.GetProperty("expected_base_url").GetString(),
                p.GetProperty("expected_secrets").EnumerateObject().ToDictionary(s => s.Name, s => s.Value.GetString()),
                p.GetProperty("stored_secret_forms").GetProperty("api_key").GetString(),
                p.GetProperty("expected_fields").Clone(),
                p.GetProperty("unknown_keys").EnumerateArray().Select(k => k.GetString()!).ToList()));
        }

        return entries;
    }

    private static TestCaseData AsCase(FixtureEntry entry) => new TestCaseData(entry).SetArgDisplayNames(entry.Path);

    public sealed record FixtureEntry(
        string Path,
        string FullPath,
        string Name,
        string SecretMode,
        string? Passphrase,
        string ExpectedModel,
        string? ExpectedBaseUrl,
        Dictionary<string, string?> ExpectedSecrets,
        string? StoredApiKeyForm,
        JsonElement ExpectedFields,
        List<string> UnknownKeys)
    {
        public override string ToString() => Path;
    }
}
