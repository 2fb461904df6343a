namespace OpenHands.AgentServer.Tests.Runtime;

/// <summary>
/// Temp files left by crashed writes are removed when the server starts (issue 11: 30 remained after 65 kills, some
/// holding encrypted keys of deleted profiles): in the profiles, settings and conversations folders and in every
/// conversation's folders. Only files named like an atomic write's temp file and untouched for the grace period go; a
/// fresh one, which may be a live write of another process, stays, and so does every other file.
/// </summary>
[Category("AgentServer")]
public sealed class CrashLeftoverTests
{
    [Test]
    public async Task Start_TempFilesOfCrashedWrites_OldOnesAreRemovedFreshOnesAndOtherFilesStay()
    {
        using var dir = TempDirectory.Create();
        await using var llm = await FakeLlmServer.StartNewAsync();
        var configuration = new Dictionary<string, string?> { ["OH_PERSISTENCE_DIR"] = dir.Path };
        string id;
        await using (var first = await RuntimeHost.StartAsync(configuration))
        {
            await ConversationRequests.SaveProfileAsync(first.Client, llm);
            id = await ConversationRequests.StartAsync(first.Client, "One");
        }

        var conversation = dir.Combine("conversations", Guid.Parse(id).ToString("N"));
        string[] folders = [dir.Path, dir.Combine("profiles"), dir.Combine("conversations"), conversation, Path.Combine(conversation, "events")];
        var old = DateTime.UtcNow - TimeSpan.FromHours(6);
        var leftovers = folders.Select((f, i) => Place(f, $"tmp{i:D2}0123456789.tmp", old)).ToList();
        var fresh = folders.Select((f, i) => Place(f, $"tmp{i:D2}abcdefabcd.tmp", DateTime.UtcNow)).ToList();
        var others = folders.Select((f, i) => Place(f, $"notes-{i}.tmp", old)).ToList();

        await using var host = await RuntimeHost.StartAsync(configuration);

        leftovers.Should().OnlyContain(p => !File.Exists(p));
        fresh.Should().OnlyContain(p => File.Exists(p), "a temp file this recent may belong to a write in progress");
        others.Should().OnlyContain(p => File.Exists(p));
        host.Logs.Lines.Should().Contain(l => l.Contains("Removed 1 temp files left by crashed writes", StringComparison.Ordinal));
        (await host.JsonAsync($"/api/conversations/{id}"))["damaged_files"].Should().BeNull("a temp file is not a damaged file");
    }

    private static string Place(string folder, string name, DateTime lastWriteUtc)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, "gAAAAAB-an-encrypted-key-of-a-deleted-profile");
        File.SetLastWriteTimeUtc(path, lastWriteUtc);
        return path;
    }
}
