using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Security;

/// <summary>The one rule for the at-rest key, shared by the CLI, the agent server and AddOpenHands (the Python agent-server's).</summary>
[Parallelizable(ParallelScope.All)]
[Category("Security")]
public sealed class SecretKeySourceTests
{
    [TestCase("explicit", "oh", "session", "first", "explicit")]
    [TestCase(null, "oh", "session", "first", "oh")]
    [TestCase(null, null, "session", "first", "session")]
    [TestCase(null, "", "session", "first", "session")]
    [TestCase(null, null, null, "first", "first")]
    [TestCase(null, null, null, null, null)]
    public void Resolve_Precedence_IsExplicitThenOhSecretKeyThenSessionApiKeyThenFirstSessionKey(
        string? configured, string? secretKey, string? sessionKey, string? firstSessionKey, string? expected)
    {
        var environment = new Dictionary<string, string?>
        {
            ["OH_SECRET_KEY"] = secretKey,
            ["SESSION_API_KEY"] = sessionKey,
            ["OH_SESSION_API_KEYS_0"] = firstSessionKey,
        };

        SecretKeySource.Resolve(configured, name => environment.GetValueOrDefault(name)).Should().Be(expected);
    }

    [Test]
    public void Resolve_NothingInTheEnvironment_FallsBackToConfiguredSessionKeys()
    {
        SecretKeySource.Resolve(null, _ => null, ["", "from-appsettings"]).Should().Be("from-appsettings");
    }

    [Test]
    public void CreateCipher_NoKeyAnywhere_ReturnsNullInsteadOfThrowing()
    {
        SecretKeySource.CreateCipher(null, _ => null).Should().BeNull();
    }
}
