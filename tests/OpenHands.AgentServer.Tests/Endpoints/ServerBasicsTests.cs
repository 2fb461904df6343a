using System.Net;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Endpoints;

[Category("AgentServer")]
public sealed class ServerBasicsTests : ServerTestBase
{
    [TestCase("/health")]
    [TestCase("/alive")]
    [TestCase("/ready")]
    [TestCase("/server_info")]
    [TestCase("/openapi/v1.json")]
    public async Task OpenRoute_NoKeyConfigured_Returns200(string path)
    {
        var response = await Server.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task OpenApi_Document_ListsProfileAndSettingsRoutes()
    {
        var text = await (await Server.GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();

        text.Should().Contain("/api/profiles/{name}").And.Contain("/api/settings");
    }

    [Test]
    public async Task UnknownApiRoute_Returns404WithDetail()
    {
        var response = await Server.GetAsync("/api/nope");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.JsonAsync())["detail"]!.GetValue<string>().Should().Contain("Not Found");
    }

    [Test]
    public async Task Body_OverLimit_Returns413()
    {
        var big = "{\"llm\":{\"model\":\"" + new string('a', 2 * 1024 * 1024) + "\"}}";

        var response = await Server.PostAsync("/api/profiles/big", big);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await response.JsonAsync())["detail"]!.GetValue<string>().Should().Contain("too large");
    }

    [Test]
    public async Task Body_InvalidJson_Returns422WithLocation()
    {
        var response = await Server.PostAsync("/api/profiles/x", "{not json");

        response.StatusCode.Should().Be((HttpStatusCode)422);
        var detail = (await response.JsonAsync())["detail"]!.AsArray();
        detail[0]!["loc"]![0]!.GetValue<string>().Should().Be("body");
        detail[0]!["type"]!.GetValue<string>().Should().Be("json_invalid");
    }
}

[Category("AgentServer")]
public sealed class SessionKeyTests : ServerTestBase
{
    protected override void Configure(AgentServerOptions options)
    {
        options.SessionApiKeys.Add("sk-test-session-one");
        options.SessionApiKeys.Add("sk-test-session-two");
    }

    [Test]
    public async Task Api_NoHeader_Returns401Unauthorized()
    {
        var response = await Server.GetAsync("/api/profiles");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.JsonAsync())["detail"]!.GetValue<string>().Should().Be("Unauthorized");
    }

    [TestCase("sk-test-wrong")]
    [TestCase("SK-TEST-SESSION-ONE")]
    [TestCase("")]
    public async Task Api_WrongKey_Returns401(string key)
    {
        var response = await Server.GetAsync("/api/settings", ("X-Session-API-Key", key));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [TestCase("sk-test-session-one")]
    [TestCase("sk-test-session-two")]
    public async Task Api_AnyConfiguredKey_Returns200(string key)
    {
        var response = await Server.GetAsync("/api/profiles", ("x-session-api-key", key));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task UnknownApiRoute_NoKey_Returns401NotRouteInformation()
    {
        var response = await Server.GetAsync("/api/whatever");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [TestCase("/health")]
    [TestCase("/server_info")]
    public async Task OpenRoute_KeysConfigured_NeedsNoKey(string path)
    {
        var response = await Server.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
