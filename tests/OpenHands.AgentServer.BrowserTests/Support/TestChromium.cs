namespace OpenHands.AgentServer.BrowserTests.Support;

/// <summary>
/// The Chromium the browser tests drive: <c>OPENHANDS_TEST_CHROMIUM</c> (exported by <c>.ci/chromium.sh</c>), else Debian's
/// <c>/usr/bin/chromium</c>. Without one a test is skipped with the reason, except in CI (<c>CI=true</c>), where it fails:
/// CI must run the browser tests.
/// </summary>
internal static class TestChromium
{
    public const string Variable = "OPENHANDS_TEST_CHROMIUM";

    public static string Require()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? configured
                : Unavailable($"{Variable} is '{configured}', which does not exist. Install Chromium with `source .ci/chromium.sh && ensure_test_chromium`.");
        }

        foreach (var candidate in new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Unavailable($"No Chromium found ({Variable} unset, no /usr/bin/chromium). Install it with `apt-get install chromium` or " +
                           "`source .ci/chromium.sh && ensure_test_chromium`.");
    }

    private static string Unavailable(string reason)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"CI must run the browser tests: {reason}");
        }

        Assert.Ignore(reason);
        return null!;
    }
}
