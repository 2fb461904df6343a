using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>
/// The OpenAPI document is what clients generate from: every mapped route is in it, with its request schema, its response
/// schemas and its real status codes; <c>/docs</c> serves the reference from this server alone (no external URL).
/// </summary>
[Category("AgentServer")]
public sealed partial class OpenApiTests : ServerTestBase
{
    // The documents themselves, the JSON 404 of unknown /api routes, and the web console's files (a page, not an API).
    private static readonly string[] NotDocumented = ["/openapi/{documentName}.json", "/openapi.json", "/api/{**path}", "/console/{**path}", "/v1/{**path}"];

    [GeneratedRegex("""(?:src|href)\s*=\s*["']([^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex Links();

    [GeneratedRegex("""https?://[A-Za-z0-9.\-]+""", RegexOptions.IgnoreCase)]
    private static partial Regex AbsoluteUrl();

    private async Task<JsonNode> DocumentAsync(string path = "/openapi.json")
    {
        var response = await Server.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.JsonAsync();
    }

    private IEnumerable<(string Pattern, string Method)> MappedRoutes() =>
        Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !e.DisplayName!.Contains("Scalar", StringComparison.OrdinalIgnoreCase) && !e.RoutePattern.RawText!.StartsWith("/docs", StringComparison.Ordinal))
            .Where(e => !NotDocumented.Contains(e.RoutePattern.RawText))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Normalize(e.RoutePattern.RawText!), m.ToLowerInvariant())));

    private static string Normalize(string pattern) => "/" + pattern.Trim('/').Replace("{**", "{", StringComparison.Ordinal);   // a catch-all is a plain parameter in OpenAPI

    [Test]
    public async Task Document_BothRoutes_ServeTheSameDocument()
    {
        var python = await DocumentAsync("/openapi.json");
        var versioned = await DocumentAsync("/openapi/v1.json");

        python["paths"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo(versioned["paths"]!.AsObject().Select(p => p.Key));
        python["openapi"]!.GetValue<string>().Should().StartWith("3.");
    }

    [Test]
    public async Task Document_EveryMappedRoute_IsAnOperation()
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject();
        var routes = MappedRoutes().ToList();

        routes.Should().HaveCountGreaterThan(20);
        foreach (var (pattern, method) in routes)
        {
            paths.ContainsKey(pattern).Should().BeTrue($"{method.ToUpperInvariant()} {pattern} is mapped");
            paths[pattern]!.AsObject().ContainsKey(method).Should().BeTrue($"{method.ToUpperInvariant()} {pattern} is mapped");
        }
    }

    [Test]
    public async Task Document_EveryOperation_HasAResponseSchemaAndRealStatusCodes()
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject();
        var statuses = new HashSet<string>();
        foreach (var (path, item) in paths)
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var responses = operation!["responses"]!.AsObject();
                statuses.UnionWith(responses.Select(r => r.Key));
                if (path.StartsWith("/sockets", StringComparison.Ordinal))
                {
                    responses.Should().ContainKey("101");
                    continue;
                }

                responses.Where(r => r.Value!["content"] is JsonObject content && content.Any(c => c.Value!["schema"] is not null))
                    .Should().NotBeEmpty($"{method} {path} documents at least one response schema");
                if (path.StartsWith("/api", StringComparison.Ordinal) || path.StartsWith("/v1", StringComparison.Ordinal))
                {
                    responses.Should().ContainKey("401", $"{method} {path} needs the session key when keys are configured");
                }
            }
        }

        statuses.Should().Contain(["200", "201", "401", "404", "409", "412", "413", "422", "503"]);
    }

    [Test]
    public async Task Document_EveryRouteWithABody_HasARequestSchemaInSnakeCase()
    {
        var document = await DocumentAsync();
        var paths = document["paths"]!.AsObject();
        string[] withBody = ["post /api/profiles/{name}", "post /api/profiles/{name}/rename", "post /api/profiles/{name}/validate", "patch /api/settings",
            "post /api/conversations", "patch /api/conversations/{id}", "post /api/conversations/{id}/switch_profile",
            "post /api/conversations/{id}/switch_llm", "post /api/conversations/{id}/events",
            "post /api/bash/start_bash_command", "post /api/bash/execute_bash_command",
            "put /api/settings/secrets", "post /v1/chat/completions"];

        foreach (var route in withBody)
        {
            var (method, path) = (route.Split(' ')[0], route.Split(' ')[1]);
            var body = paths[path]![method]!["requestBody"];
            body.Should().NotBeNull(route);
            body!["content"]!["application/json"]!["schema"].Should().NotBeNull(route);
        }

        var schemas = document.ToJsonString();
        schemas.Should().Contain("\"include_secrets\"").And.Contain("\"llm_profile\"").And.Contain("\"api_key_set\"").And.Contain("\"next_page_id\"");
        schemas.Should().NotContain("\"includeSecrets\"").And.NotContain("\"apiKeySet\"");
    }

    [Test]
    public async Task Document_WorkspaceRoutes_AreOperationsWithSchemas()
    {
        var document = await DocumentAsync();
        var paths = document["paths"]!.AsObject();
        string[] routes =
        [
            "get /api/bash/bash_events/search", "get /api/bash/bash_events/{eventId}", "get /api/bash/bash_events", "delete /api/bash/bash_events",
            "post /api/bash/start_bash_command", "post /api/bash/execute_bash_command", "post /api/file/upload", "get /api/file/download",
            "post /api/file/create_directory", "get /api/file/home", "get /api/file/search_subdirs", "get /api/file/download-trajectory/{conversation_id}",
            "get /api/file/archive", "get /api/git/changes", "get /api/git/diff", "get /api/git/commits", "get /api/git/commits/{sha}/changes",
            "get /api/conversations/{id}/workspace", "get /api/conversations/{id}/workspace/{file_path}", "get /sockets/bash-events",
        ];

        foreach (var route in routes)
        {
            var (method, path) = (route.Split(' ')[0], route.Split(' ')[1]);
            paths[path]?[method].Should().NotBeNull(route);
        }

        var upload = paths["/api/file/upload"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!;
        upload["properties"]!["file"]!["format"]!.GetValue<string>().Should().Be("binary");
        var json = document.ToJsonString();
        json.Should().Contain("\"exit_code\"").And.Contain("\"command_id\"").And.Contain("\"has_more\"").And.Contain("\"short_sha\"").And.Contain("\"cleared_count\"");
    }

    [Test]
    public async Task Docs_ServesTheReferenceAndItsAssetsFromThisServerWithNoExternalUrl()
    {
        var page = await Server.GetAsync("/docs/");
        var html = await page.Content.ReadAsStringAsync();

        page.StatusCode.Should().Be(HttpStatusCode.OK, html);
        html.Should().Contain("openapi.json").And.Contain("\"withDefaultFonts\":false", "the default fonts come from a CDN");
        html.Should().NotContain("proxyUrl", "requests go to this server, not through a proxy");
        html.Should().Contain("\"telemetry\":false").And.Contain("\"agent\":{\"disabled\":true}").And.Contain("\"showDeveloperTools\":\"never\"");
        AbsoluteUrl().Matches(html).Select(m => m.Value).Should().BeEmpty("the page loads nothing from the internet");
        var links = Links().Matches(html).Select(m => m.Groups[1].Value).ToList();
        links.Should().Contain(["scalar.js", "scalar.aspnetcore.js"]);
        foreach (var link in links)
        {
            var asset = await Server.GetAsync("/docs/" + link);
            asset.StatusCode.Should().Be(HttpStatusCode.OK, $"{link} is served by this server");
            (await asset.Content.ReadAsByteArrayAsync()).Length.Should().BeGreaterThan(1000, link);
        }

        // The integration script that loads the document resolves it against this server; the bundle is the reference itself.
        var integration = await (await Server.GetAsync("/docs/scalar.aspnetcore.js")).Content.ReadAsStringAsync();
        AbsoluteUrl().Matches(integration).Select(m => m.Value).Should().BeEmpty();
        (await Server.GetAsync("/openapi.json")).StatusCode.Should().Be(HttpStatusCode.OK, "the document the page loads is served here");
    }

    [Test]
    public async Task Document_Gateway_DescribesTheJsonAndTheStreamedAnswerAndOpenAiErrors()
    {
        var document = await DocumentAsync();
        var completions = document["paths"]!["/v1/chat/completions"]!["post"]!;

        var ok = completions["responses"]!["200"]!["content"]!.AsObject();
        ok.Select(c => c.Key).Should().Contain(["application/json", "text/event-stream"]);
        completions["responses"]!["404"]!["content"]!["application/json"]!["schema"].Should().NotBeNull();
        var schemas = document["components"]!["schemas"]!.AsObject().Select(s => s.Key).ToList();
        schemas.Should().Contain(["ChatCompletionRequest", "ChatCompletionResponse", "OpenAiErrorResponse", "OpenAiModelList"]);
        document.ToJsonString().Should().Contain("\"finish_reason\"").And.Contain("\"stream_options\"");
        foreach (var path in new[] { "/api/llm/providers", "/api/llm/models", "/api/tools", "/api/settings/agent-schema", "/api/settings/conversation-schema", "/api/settings/secrets", "/api/settings/secrets/{name}", "/", "/v1/models" })
        {
            document["paths"]![path].Should().NotBeNull(path);
        }
    }
}
