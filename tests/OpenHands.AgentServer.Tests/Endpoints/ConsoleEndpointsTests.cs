using System.Net;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.AgentServer.WebConsole;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>
/// The web console's serving rules, over HTTP on the real server: the root redirect for browsers only, the embedded
/// files with their types and Content-Security-Policy, and what the files may never do (the browser test drives them).
/// </summary>
[Category("AgentServer")]
public sealed class ConsoleEndpointsTests : ServerTestBase
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    private static string SourceFolder => Path.Combine(RepositoryFiles.RepoRoot, "src", "OpenHands.AgentServer", "WebConsole", "files");

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(SourceFolder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(SourceFolder, f).Replace('\\', '/'));

    /// <summary>A GET that does not follow redirects (the test's client would).</summary>
    private async Task<HttpResponseMessage> GetOnceAsync(string path, string? accept = null)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(Server.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return await client.SendAsync(request);
    }

    [Test]
    public async Task Root_BrowserAccept_RedirectsToConsole()
    {
        var response = await GetOnceAsync("/", BrowserAccept);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be("/console/");
        response.Headers.Vary.Should().Contain("Accept");
    }

    [TestCase("application/json")]
    [TestCase("*/*")]
    [TestCase("application/json, text/html;q=0.5")]
    [TestCase(null)]
    public async Task Root_NotPreferringHtml_IsLeftToTheEndpoints(string? accept)
    {
        var response = await GetOnceAsync("/", accept);

        response.StatusCode.Should().NotBe(HttpStatusCode.Redirect);
        response.Headers.Location.Should().BeNull();
    }

    [Test]
    public async Task OtherPath_BrowserAccept_IsNotRedirected()
    {
        var response = await GetOnceAsync("/health", BrowserAccept);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [TestCase("text/html", true)]
    [TestCase("application/xhtml+xml", true)]
    [TestCase(BrowserAccept, true)]
    [TestCase("text/html;q=0.9, application/json", false)]
    [TestCase("application/json;q=0.5, text/html", true)]
    [TestCase("*/*", false)]
    [TestCase("text/*", false)]
    [TestCase("not a media type", false)]
    public void PrefersHtml_AcceptHeader_DecidesByQuality(string accept, bool expected) =>
        ConsoleRedirect.PrefersHtml([accept]).Should().Be(expected);

    [Test]
    public async Task Console_WithoutSlash_RedirectsToTheFolder()
    {
        var response = await GetOnceAsync("/console");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be("/console/");
    }

    [Test]
    public async Task Console_Index_IsHtmlWithAPolicyThatAllowsThisOriginOnly()
    {
        var response = await Server.GetAsync("/console/");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        policy.Should().Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("connect-src 'self'")
            .And.Contain("frame-ancestors 'none'").And.NotContain("http").And.NotContain("unsafe").And.NotContain("*");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
    }

    [Test]
    public async Task Console_OpenWithKeysConfigured_ServesTheFilesWithoutAKey()
    {
        await using var keyed = await TestServer.StartAsync(Path.Combine(Dir.Path, "keyed"), o => o.SessionApiKeys.Add("sk-test-session-console"));

        (await keyed.GetAsync("/console/")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await keyed.GetAsync("/api/profiles")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the data stays behind the key");
    }

    [Test]
    public async Task Console_EveryFile_IsServedAsEmbeddedWithItsType()
    {
        var files = SourceFiles().ToList();
        files.Should().Contain(["index.html", "console.css", "js/main.js", "js/api.js"]);
        foreach (var file in files)
        {
            var response = await Server.GetAsync("/console/" + file);

            response.StatusCode.Should().Be(HttpStatusCode.OK, file);
            (await response.Content.ReadAsByteArrayAsync()).Should().Equal(await File.ReadAllBytesAsync(Path.Combine(SourceFolder, file)), file);
            var expected = Path.GetExtension(file) switch { ".html" => "text/html", ".css" => "text/css", ".js" => "text/javascript", var e => e };
            response.Content.Headers.ContentType!.MediaType.Should().Be(expected, file);
        }
    }

    [Test]
    public async Task Console_SameFileAgain_AnswersNotModified()
    {
        var first = await Server.GetAsync("/console/js/main.js");
        var tag = first.Headers.ETag!.Tag;

        var second = await Server.GetAsync("/console/js/main.js", ("If-None-Match", tag));

        second.StatusCode.Should().Be(HttpStatusCode.NotModified);
    }

    [TestCase("/console/nope.js")]
    [TestCase("/console/js")]
    [TestCase("/console/../OpenHands.AgentServer.dll")]
    [TestCase("/console/%2e%2e/appsettings.json")]
    public async Task Console_UnknownFile_Returns404(string path)
    {
        var response = await GetOnceAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Console_Routes_AreNotInTheOpenApiDocument()
    {
        var text = await (await Server.GetAsync("/openapi.json")).Content.ReadAsStringAsync();

        text.Should().NotContain("/console");
    }

    /// <summary>What the browser test cannot prove by one run: no file can ever reach another origin or keep the key.</summary>
    [Test]
    public void ConsoleFiles_NeverUseStorageCookiesOtherOriginsOrExposedSecrets()
    {
        foreach (var file in SourceFiles())
        {
            var text = File.ReadAllText(Path.Combine(SourceFolder, file));
            text.Should().NotContain("://", "{0} loads nothing from another origin (no CDN)", file);
            text.Should().NotContainAny(["localStorage", "sessionStorage", "document.cookie", "indexedDB"], "{0} keeps the key in memory only", file);
            text.Should().NotContainEquivalentOf("expose-secrets", "{0} never asks for secrets", file);
            text.Should().NotContain("innerHTML", "{0} writes text as text", file);
            text.Should().NotContain("<script>", "{0} has no inline script (the policy forbids it)", file);
            text.Should().NotContain("style=", "{0} has no inline style (the policy forbids it)", file);
        }
    }
}
