using System.Collections.Immutable;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Profiles.Internal;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>
/// The one materialization policy (DESIGN invariant 2): an equal profile is reused, a different one is never replaced
/// unless named and asked for, two different LLMs never share a profile, the same LLM always maps to the same one.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Profiles")]
public sealed class ProfileMaterializerPolicyTests
{
    private static readonly DateTime LongAgo = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);

    [Test]
    public async Task MaterializeAsync_SameLlmTwiceWhileDefaultIsTaken_OneProfileAndNoSecondWrite()
    {
        using var dir = TempDirectory.Create();
        var store = new CountingStore(new LlmProfileStore(new() { Directory = dir.Path }));
        await store.SaveAsync(ProfileName.Default, new Llm("openai/someone-elses") { ApiKey = new SecretString("sk-test-theirs") });
        var materializer = new ProfileMaterializer(store);
        var llm = new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-mine") };

        var first = await materializer.MaterializeAsync(llm);
        foreach (var file in Directory.GetFiles(dir.Path, "*.json"))
        {
            File.SetLastWriteTimeUtc(file, LongAgo);
        }

        var before = FolderSnapshot.Take(dir.Path);
        var savesBefore = store.Saves;
        var second = await new ProfileMaterializer(store).MaterializeAsync(llm with { UsageId = "another-label" });

        second.Should().Be(first);
        store.Saves.Should().Be(savesBefore, "the same LLM is already stored");
        before.ShouldBeUnchanged("the second materialize writes nothing");
        (await store.ListAsync()).Should().HaveCount(2);
    }

    [Test]
    public async Task MaterializeAsync_TwoLlmsDifferingOnlyInKey_GetTwoProfilesWhoseNamesShowNoKey()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var materializer = new ProfileMaterializer(store);
        var a = new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-aaaa") };
        var b = a with { ApiKey = new SecretString("sk-test-bbbb") };

        var first = await materializer.MaterializeAsync(a);
        var second = await materializer.MaterializeAsync(b);

        first.Name.Should().Be(ProfileName.Default);
        second.Name.Should().NotBe(first.Name);
        second.Name.Value.Should().MatchRegex("^Default-[0-9a-f]{12}$").And.NotContain("aaaa").And.NotContain("bbbb");
        (await store.LoadAsync(first.Name)).ApiKey!.Reveal().Should().Be("sk-test-aaaa");
        (await store.LoadAsync(second.Name)).ApiKey!.Reveal().Should().Be("sk-test-bbbb");
    }

    [Test]
    public async Task MaterializeAsync_SameLlmInTwoFoldersWhereDefaultIsTaken_GetsTheSameContentName()
    {
        using var one = TempDirectory.Create();
        using var two = TempDirectory.Create();
        var llm = new Llm("anthropic/claude-sonnet-4-5") { ApiKey = new SecretString("sk-test-same"), Temperature = 0.1, ExtraHeaders = Headers(("X-B", "2"), ("X-A", "1")) };
        var names = new List<ProfileName>();
        foreach (var dir in new[] { one, two })
        {
            var store = new LlmProfileStore(new() { Directory = dir.Path });
            await store.SaveAsync(ProfileName.Default, new Llm("openai/other"));
            names.Add((await new ProfileMaterializer(store).MaterializeAsync(llm with { UsageId = dir.Path.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) })).Name);
        }

        names[0].Should().Be(names[1], "the name is derived from the content alone (usage_id is a runtime label)");
        ProfileNaming.ContentNames(ProfileNaming.Fingerprint(llm)).First().Should().Be(names[0]);
    }

    [Test]
    public async Task MaterializeAsync_ContentNameHeldByAnotherLlm_UsesTheLongerNameAndKeepsToIt()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var llm = new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-collide") };
        var names = ProfileNaming.ContentNames(ProfileNaming.Fingerprint(llm)).Take(2).ToList();
        await store.SaveAsync(ProfileName.Default, new Llm("openai/other"));
        await store.SaveAsync(names[0], new Llm("openai/squatter"));   // as if another LLM's digest began alike
        var squatter = File.ReadAllBytes(store.GetPath(names[0]));

        var first = await new ProfileMaterializer(store).MaterializeAsync(llm);
        var second = await new ProfileMaterializer(store).MaterializeAsync(llm);

        first.Name.Should().Be(names[1]);
        first.Name.Value.Should().HaveLength("Default-".Length + 16);
        second.Should().Be(first);
        File.ReadAllBytes(store.GetPath(names[0])).Should().Equal(squatter);
    }

    [Test]
    public async Task MaterializeAsync_LlmAlreadyUnderItsContentNameWhileDefaultIsFree_ReusesIt()
    {
        using var dir = TempDirectory.Create();
        var store = new CountingStore(new LlmProfileStore(new() { Directory = dir.Path }));
        var llm = new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-elsewhere") };
        var contentName = ProfileNaming.ContentNames(ProfileNaming.Fingerprint(llm)).First();
        await store.SaveAsync(contentName, llm);   // for example by a remote client, which always uses the content name

        var reference = await new ProfileMaterializer(store).MaterializeAsync(llm);

        reference.Name.Should().Be(contentName);
        store.Saves.Should().Be(1);
        (await store.ExistsAsync(ProfileName.Default)).Should().BeFalse();
    }

    [Test]
    public async Task MaterializeAsync_NamedProfileHoldsAnotherConfiguration_ThrowsSayingHowToReplaceAndLeavesIt()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("work", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-work") });
        var before = FolderSnapshot.Take(dir.Path);

        var act = () => new ProfileMaterializer(store).MaterializeAsync(new Llm("openai/gpt-4o-mini") { ApiKey = new SecretString("sk-test-other") }, "work");

        var error = (await act.Should().ThrowAsync<ProfileAlreadyExistsException>()).Which;
        error.ProfileName.Should().Be(ProfileName.Create("work"));
        error.Message.Should().Contain("'work'").And.Contain("ReplaceExisting").And.NotContain("sk-test");
        before.ShouldBeUnchanged("a named profile is only replaced when asked");
    }

    [Test]
    public async Task MaterializeAsync_NamedWithReplaceExisting_ReplacesThatProfile()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("work", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-work") });

        var reference = await new ProfileMaterializer(store).MaterializeAsync(
            new Llm("openai/gpt-4o-mini") { ApiKey = new SecretString("sk-test-rotated") }, new ProfileMaterializeOptions { Name = "work", ReplaceExisting = true });

        reference.Name.Should().Be(ProfileName.Create("work"));
        (await store.LoadAsync("work")).ApiKey!.Reveal().Should().Be("sk-test-rotated");
        (await store.ListAsync()).Should().ContainSingle();
    }

    [Test]
    public async Task MaterializeAsync_NamedProfileHoldsAnEqualConfiguration_ReusesItWithoutWriting()
    {
        using var dir = TempDirectory.Create();
        var store = new CountingStore(new LlmProfileStore(new() { Directory = dir.Path }));
        var llm = new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-work") };
        await store.SaveAsync("work", llm);

        var reference = await new ProfileMaterializer(store).MaterializeAsync(llm, "work");

        reference.Name.Should().Be(ProfileName.Create("work"));
        store.Saves.Should().Be(1);
    }

    [Test]
    public async Task MaterializeAsync_ReplaceExistingWithoutName_ThrowsArgumentAndWritesNothing()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        var act = () => new ProfileMaterializer(store).MaterializeAsync(new Llm("openai/gpt-4o"), new ProfileMaterializeOptions { ReplaceExisting = true });

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("Name");
        (await store.ListAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task MaterializeAsync_ChosenName_IsLoggedWithoutTheKey()
    {
        using var dir = TempDirectory.Create();
        using var logs = new CollectingLoggerProvider();
        using var factory = logs.CreateFactory();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var materializer = new ProfileMaterializer(store, factory);
        var llm = new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-logged-key") };

        await materializer.MaterializeAsync(llm);
        await materializer.MaterializeAsync(llm);

        logs.Lines.Should().Contain(l => l.Contains("new profile 'Default'", StringComparison.Ordinal));
        logs.Lines.Should().Contain(l => l.Contains("reused", StringComparison.Ordinal) && l.Contains("'Default'", StringComparison.Ordinal));
        logs.Text.Should().NotContain("sk-test-logged-key");
    }

    [Test]
    public async Task MaterializeAsync_DifferentLlmsAtOnceThroughTwoStores_NeverShareAProfile()
    {
        for (var round = 0; round < 20; round++)
        {
            using var dir = TempDirectory.Create();
            var llms = new[]
            {
                new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-race-a") },
                new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-race-b") },
            };
            using var start = new ManualResetEventSlim();
            var tasks = llms.Select(llm => Task.Run(async () =>
            {
                var materializer = new ProfileMaterializer(new LlmProfileStore(new() { Directory = dir.Path }));
                start.Wait();
                return (await materializer.MaterializeAsync(llm)).Name;
            })).ToArray();
            start.Set();
            var names = await Task.WhenAll(tasks);

            names.Distinct().Should().HaveCount(2, "two different LLMs never share a profile (round {0})", round);
            names.Should().Contain(ProfileName.Default);
            var store = new LlmProfileStore(new() { Directory = dir.Path });
            for (var i = 0; i < 2; i++)
            {
                (await store.LoadAsync(names[i])).Should().Be(llms[i], "each profile holds its own LLM (round {0})", round);
            }
        }
    }

    [Test]
    [NonParallelizable]
    public async Task MaterializeAsync_TwoProcessesWithDifferentLlmsAtOnce_OneGetsDefaultTheOtherItsOwnProfile()
    {
        using var dir = TempDirectory.Create();
        using var a = LlmProfileStoreDurabilityTests.Child.Start(true, "materialize", dir.Path, "openai/gpt-4o", "sk-test-process-a");
        using var b = LlmProfileStoreDurabilityTests.Child.Start(true, "materialize", dir.Path, "openai/gpt-4o", "sk-test-process-b");
        await a.WaitForLineAsync("ready", CancellationToken.None);
        await b.WaitForLineAsync("ready", CancellationToken.None);

        await Task.WhenAll(a.SendLineAsync("go"), b.SendLineAsync("go"));
        var results = await Task.WhenAll(a.WaitForExitAsync(CancellationToken.None), b.WaitForExitAsync(CancellationToken.None));

        results.Should().OnlyContain(r => r.ExitCode == 0, a.Errors + b.Errors);
        var names = results.Select(r => ProfileName.Create(r.Output.Trim()["name: ".Length..])).ToArray();
        names.Distinct().Should().HaveCount(2);
        names.Should().Contain(ProfileName.Default);
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        (await store.LoadAsync(names[0])).ApiKey!.Reveal().Should().Be("sk-test-process-a");
        (await store.LoadAsync(names[1])).ApiKey!.Reveal().Should().Be("sk-test-process-b");
    }

    private static ImmutableDictionary<string, string> Headers(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal).ToImmutableDictionary(StringComparer.Ordinal);
}
