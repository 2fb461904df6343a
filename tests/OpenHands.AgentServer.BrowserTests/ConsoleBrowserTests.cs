using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpenHands.AgentServer.BrowserTests.Support;
using OpenHands.Sdk.Profiles;
using static Microsoft.Playwright.Assertions;

namespace OpenHands.AgentServer.BrowserTests;

/// <summary>
/// The web console in headless Chromium against the real server (Kestrel on 127.0.0.1, a session key configured) and
/// the scripted fake LLM: a person's whole path through it, then a search of everything the page holds or received for
/// the keys typed into it. A failing run saves a screenshot as a test attachment.
/// </summary>
[Category("Browser"), NonParallelizable]
public sealed class ConsoleBrowserTests
{
    private const string SessionKey = "sk-test-console-session";
    private const string FastKey = "sk-test-console-fast";
    private const string SlowKey = "sk-test-console-slow";

    [Test, CancelAfter(240_000)]
    public async Task Console_SignInAddProfileStartSendSwitch_EventsArriveLiveAndNoKeyIsLeft()
    {
        var chromium = TestChromium.Require();
        using var dir = TempDirectory.Create();
        await using var llm = await FakeLlmServer.StartNewAsync();
        llm.Responder = request => FakeReply.Text($"Hello from {request.Model}");
        await using var server = await AgentServerHost.StartAsync(dir.Path, o => o.SessionApiKeys.Add(SessionKey));
        var root = server.BaseAddress.ToString().TrimEnd('/');

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        SetDefaultExpectTimeout(60_000);
        var recorder = new PageRecorder(page);
        try
        {
            // A browser opening the server's root lands on the console, which asks for the session key.
            await page.GotoAsync(root + "/");
            page.Url.Should().Be(root + "/console/");
            await Expect(page.Locator("#signin-view")).ToBeVisibleAsync();
            await page.Locator("#session-key").FillAsync(SessionKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page.Locator("#profiles-view")).ToBeVisibleAsync();
            (await page.Locator("#session-key").InputValueAsync()).Should().BeEmpty();

            // Two profiles with keys; the first is validated against the fake LLM before it is saved.
            await FillProfileAsync(page, "fast", "openai/gpt-4o", llm.BaseUrl + "/v1", FastKey);
            await page.Locator("#profile-validate").ClickAsync();
            await Expect(page.Locator("#notice")).ToContainTextAsync("the configuration works");
            await page.Locator("#profile-save").ClickAsync();
            await Expect(page.Locator("tr[data-profile='fast']")).ToContainTextAsync("set");
            (await page.Locator("#profile-api-key").InputValueAsync()).Should().BeEmpty("the key field is cleared after a save");
            await FillProfileAsync(page, "slow", "openai/gpt-4o-mini", llm.BaseUrl + "/v1", SlowKey);
            await page.Locator("#profile-save").ClickAsync();
            await Expect(page.Locator("tr[data-profile='slow']")).ToContainTextAsync("gpt-4o-mini");
            await page.GetByRole(AriaRole.Button, new() { Name = "Activate fast" }).ClickAsync();
            await Expect(page.Locator("tr[data-profile='fast']")).ToContainTextAsync("active");

            // The keys reached the server's profiles (write-only, not lost).
            var store = server.Services.GetRequiredService<ILlmProfileStore>();
            (await store.LoadAsync(ProfileName.Create("fast"))).ApiKey!.Reveal().Should().Be(FastKey);
            (await store.LoadAsync(ProfileName.Create("slow"))).ApiKey!.Reveal().Should().Be(SlowKey);

            // A conversation started by profile; a message; the agent's answer arrives over the websocket.
            await page.GetByRole(AriaRole.Button, new() { Name = "Conversations" }).ClickAsync();
            await page.Locator("#start-profile").SelectOptionAsync("fast");
            await page.Locator("#start-button").ClickAsync();
            await Expect(page.Locator("#conversation-panel")).ToBeVisibleAsync();
            await Expect(page.Locator("#conversation-profile")).ToHaveTextAsync("fast");
            await Expect(page.Locator("#conversation-socket")).ToHaveTextAsync("live");
            await SendAsync(page, "Say hello");
            await Expect(AgentMessages(page)).ToContainTextAsync(["Hello from gpt-4o"]);
            recorder.FramesReceived.Should().Contain(f => f.Contains("Hello from gpt-4o", StringComparison.Ordinal),
                "the answer is pushed over the websocket, not fetched");

            // Switching the profile mid-conversation: announced live, and the next answer comes from the new model.
            await page.Locator("#switch-profile").SelectOptionAsync("slow");
            await page.Locator("#switch-button").ClickAsync();
            await Expect(page.Locator("#conversation-profile")).ToHaveTextAsync("slow");
            await SendAsync(page, "And again");
            await Expect(AgentMessages(page)).ToContainTextAsync(["Hello from gpt-4o", "Hello from gpt-4o-mini"]);
            llm.Requests[^1].Model.Should().Be("gpt-4o-mini");
            await page.Locator("#conversation-pause").ClickAsync();
            await Expect(page.Locator("#notice")).ToContainTextAsync("Pause requested");

            // The settings view names the active profile and only says whether it has a key.
            await page.GetByRole(AriaRole.Button, new() { Name = "Settings" }).ClickAsync();
            await Expect(page.Locator("#settings-active")).ToHaveTextAsync("fast");
            await Expect(page.Locator("#settings-key-set")).ToHaveTextAsync("yes");

            await AssertNoKeyLeftAsync(page, context, recorder, root);
        }
        catch (Exception)
        {
            await SaveScreenshotAsync(page);
            throw;
        }
    }

    private static ILocator AgentMessages(IPage page) => page.Locator("#event-log li[data-kind='MessageEvent'][data-source='agent']");

    private static async Task FillProfileAsync(IPage page, string name, string model, string baseUrl, string key)
    {
        await page.Locator("#profile-name").FillAsync(name);
        await page.Locator("#profile-model").FillAsync(model);
        await page.Locator("#profile-base-url").FillAsync(baseUrl);
        await page.Locator("#profile-api-key").FillAsync(key);
    }

    private static async Task SendAsync(IPage page, string text)
    {
        await page.Locator("#message-text").FillAsync(text);
        await page.Locator("#message-send").ClickAsync();
        await Expect(page.Locator("#event-log li[data-kind='MessageEvent'][data-source='user']").Last).ToContainTextAsync(text);
    }

    private static async Task AssertNoKeyLeftAsync(IPage page, IBrowserContext context, PageRecorder recorder, string root)
    {
        await recorder.SettleAsync();
        string[] keys = [SessionKey, FastKey, SlowKey];
        var dom = await page.ContentAsync();
        var fieldValues = await page.EvaluateAsync<string>("() => JSON.stringify([...document.querySelectorAll('input, textarea, select')].map(e => e.value))");
        var local = await page.EvaluateAsync<string>("() => JSON.stringify(Object.entries(localStorage))");
        var session = await page.EvaluateAsync<string>("() => JSON.stringify(Object.entries(sessionStorage))");
        var cookies = JsonSerializer.Serialize((await context.CookiesAsync()).Select(c => new { c.Name, c.Value }));
        var documentCookie = await page.EvaluateAsync<string>("() => document.cookie");
        var apiCalls = recorder.Requests.Where(r => r.Url.Contains("/api/", StringComparison.Ordinal)).ToList();
        recorder.Responses.Should().NotBeEmpty();
        apiCalls.Should().NotBeEmpty();

        foreach (var key in keys)
        {
            dom.Should().NotContain(key, "the DOM holds no key");
            fieldValues.Should().NotContain(key, "no field keeps a key");
            local.Should().NotContain(key, "local storage holds no key");
            session.Should().NotContain(key, "session storage holds no key");
            cookies.Should().NotContain(key, "no cookie holds a key");
            documentCookie.Should().NotContain(key);
            foreach (var (url, _, headers, body) in recorder.Responses)
            {
                body.Should().NotContain(key, "the response of {0} holds no key", url);
                string.Join('\n', headers.Values).Should().NotContain(key, "the headers of {0} hold no key", url);
            }

            recorder.FramesReceived.Should().NotContain(f => f.Contains(key, StringComparison.Ordinal), "no websocket frame from the server holds a key");
            recorder.Requests.Should().NotContain(r => r.Url.Contains(key, StringComparison.Ordinal), "no URL carries a key");
        }

        // The session key travelled only where it belongs: the header of every API call and the websocket's auth frame.
        apiCalls.Should().NotContain(r => r.Headers.ContainsKey("x-expose-secrets"));
        apiCalls.Count(r => !r.Headers.ContainsKey("x-session-api-key")).Should().Be(1, "only the first call, which learns that a key is needed, goes without one");
        recorder.FramesSent.Should().Contain(f => f.Contains("\"type\":\"auth\"", StringComparison.Ordinal));
        recorder.FramesSent.Should().NotContain(f => f.Contains(FastKey, StringComparison.Ordinal) || f.Contains(SlowKey, StringComparison.Ordinal));
        recorder.Requests.Should().OnlyContain(r => r.Url.StartsWith(root, StringComparison.Ordinal) || r.Url.StartsWith("data:", StringComparison.Ordinal),
            "the console talks to its own server only");
        recorder.ConsoleErrors.Should().BeEmpty("the page runs without script errors or CSP violations");
        var console = recorder.Responses.First(r => r.Url == root + "/console/");
        console.Headers["content-security-policy"].Should().Contain("default-src 'none'").And.Contain("connect-src 'self'");
    }

    /// <summary>Saves what the page showed when the test failed, as a test attachment.</summary>
    private static async Task SaveScreenshotAsync(IPage page)
    {
        try
        {
            var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, $"{TestContext.CurrentContext.Test.MethodName}-{TimeProvider.System.GetUtcNow():yyyyMMddHHmmss}.png");
            await page.ScreenshotAsync(new() { Path = file, FullPage = true });
            TestContext.AddTestAttachment(file, "the console when the test failed");
            TestContext.Out.WriteLine($"screenshot: {file}");
        }
        catch (PlaywrightException e)
        {
            TestContext.Out.WriteLine($"no screenshot: {e.Message}");
        }
    }
}
