using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Profiles;

public sealed class SmokeTests
{
    [Test]
    public async Task Smoke()
    {
        using var dir = TempDirectory.Create();
        foreach (var f in Directory.GetFiles(Path.Combine(Fixtures.Python, "profiles", "encrypted")))
        {
            File.Copy(f, dir.Combine(Path.GetFileName(f)));
        }
        var store = new LlmProfileStore(new() { Directory = dir.Path }, new Cipher("test-secret-key-for-fixtures"));
        foreach (var s in await store.ListSummariesAsync()) TestContext.Out.WriteLine(s);
        var llm = await store.LoadAsync("unicode");
        TestContext.Out.WriteLine(llm.ApiKey!.Reveal());
        await store.SaveAsync("copy", llm);
        TestContext.Out.WriteLine(File.ReadAllText(dir.Combine("copy.json")));
        (await store.LoadAsync("copy")).Should().Be(llm);
    }
}
