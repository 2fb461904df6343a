using OpenHands.Sdk.Internal;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Internal;

/// <summary>
/// Crash leftovers and folder modes (issue 11): a process killed mid-write leaves a temp file, which may hold an
/// encrypted key; folders made with the default mode leave a tree readable by other users.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Durability")]
public sealed class AtomicFileLeftoverTests
{
    private static readonly DateTimeOffset Now = new(2030, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private static string Place(TempDirectory dir, string name, TimeSpan age)
    {
        var path = dir.Combine(name);
        File.WriteAllText(path, "x");
        File.SetLastWriteTimeUtc(path, (Now - age).UtcDateTime);
        return path;
    }

    [Test]
    public void RemoveLeftovers_OldTempFiles_AreRemovedAndEverythingElseStays()
    {
        using var dir = TempDirectory.Create();
        var ours = Place(dir, "tmp0123456789ab.tmp", TimeSpan.FromMinutes(10));
        var python = Place(dir, "tmpk2_x9abc.tmp", TimeSpan.FromDays(3));
        var justOld = Place(dir, "tmp00000000beef.tmp", AtomicFile.LeftoverGracePeriod);
        var live = Place(dir, "tmpaaaaaaaaaaaa.tmp", AtomicFile.LeftoverGracePeriod - TimeSpan.FromSeconds(1));
        string[] kept =
        [
            live,
            Place(dir, "tmp.tmp", TimeSpan.FromDays(1)),
            Place(dir, "tmp-my-notes.tmp", TimeSpan.FromDays(1)),
            Place(dir, "settings.json.bak.tmp", TimeSpan.FromDays(1)),
            Place(dir, "tmp0123456789ab.json", TimeSpan.FromDays(1)),
            Place(dir, "fast.json", TimeSpan.FromDays(1)),
        ];

        var removed = AtomicFile.RemoveLeftovers(dir.Path, Now);

        removed.Should().Be(3);
        new[] { ours, python, justOld }.Should().OnlyContain(p => !File.Exists(p));
        kept.Should().OnlyContain(p => File.Exists(p));
    }

    [Test]
    public void RemoveLeftovers_MissingFolder_RemovesNothing()
    {
        using var dir = TempDirectory.Create();

        AtomicFile.RemoveLeftovers(dir.Combine("absent"), Now).Should().Be(0);
    }

    [Test]
    public void EnsureDirectory_MissingParents_CreatesEveryFolderMode0700()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
            return;
        }

        using var dir = TempDirectory.Create();
        var leaf = dir.Combine("a", "b", "c");

        AtomicFile.EnsureDirectory(leaf);

        foreach (var folder in new[] { dir.Combine("a"), dir.Combine("a", "b"), leaf })
        {
            File.GetUnixFileMode(folder).Should().Be(AtomicFile.PrivateDirectory, folder);
        }
    }

    [Test]
    public void EnsureDirectory_ExistingFolder_LeavesItAndItsModeAsTheyAre()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
            return;
        }

        using var dir = TempDirectory.Create();
        var folder = dir.Combine("shared");
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        File.WriteAllText(Path.Combine(folder, "kept.txt"), "x");

        AtomicFile.EnsureDirectory(folder + Path.DirectorySeparatorChar);

        File.GetUnixFileMode(folder).Should().HaveFlag(UnixFileMode.GroupRead, "an existing folder's mode is the user's choice");
        File.ReadAllText(Path.Combine(folder, "kept.txt")).Should().Be("x");
    }

    [Test]
    public void EnsureDirectory_AFileInTheWay_ThrowsIOExceptionNamingThePathAndKeepsTheFile()
    {
        using var dir = TempDirectory.Create();
        var blocker = dir.Combine("notes");
        File.WriteAllText(blocker, "mine");

        var leaf = () => AtomicFile.EnsureDirectory(Path.Combine(blocker, "inner"));
        var self = () => AtomicFile.EnsureDirectory(blocker);

        leaf.Should().Throw<IOException>().WithMessage($"*{blocker}*");
        self.Should().Throw<IOException>().WithMessage($"*{blocker}*");
        File.ReadAllText(blocker).Should().Be("mine");
    }
}
