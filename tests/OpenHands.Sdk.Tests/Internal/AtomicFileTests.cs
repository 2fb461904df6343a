using OpenHands.Sdk.Internal;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Internal;

/// <summary>
/// A profile's temp file holds its key before the rename: it must be private from the moment it exists, whatever the
/// process umask, or another local user could read the key in a shared folder.
/// </summary>
[Category("Durability")]
public sealed class AtomicFileTests
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    // umask is process-wide: nothing else may create files while it is 000.
    [Test, NonParallelizable]
    public void CreatePrivate_UnderPermissiveUmask_IsMode0600BeforeTheFirstByte()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
            return;
        }

        using var dir = TempDirectory.Create();
        var path = Path.Combine(dir.Path, "tmp0123456789ab.tmp");
        UnixFileMode mode;
        var previous = NativeMethods.Umask(0);
        try
        {
            using var handle = AtomicFile.CreatePrivate(path);
            mode = File.GetUnixFileMode(handle); // nothing written, nothing changed since open(2)
        }
        finally
        {
            _ = NativeMethods.Umask(previous);
        }

        mode.Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        (mode & GroupOrOther).Should().Be(UnixFileMode.None);
    }

    [Test, NonParallelizable]
    public void Write_UnderPermissiveUmask_LeavesAPrivateFileAndNoTempFile()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
            return;
        }

        using var dir = TempDirectory.Create();
        var path = Path.Combine(dir.Path, "fast.json");
        var previous = NativeMethods.Umask(0);
        try
        {
            AtomicFile.Write(path, "{\"model\":\"openai/gpt-4o\"}"u8, flushToDisk: true);
        }
        finally
        {
            _ = NativeMethods.Umask(previous);
        }

        File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.ReadAllText(path).Should().Be("{\"model\":\"openai/gpt-4o\"}");
        Directory.GetFiles(dir.Path).Should().ContainSingle();
    }

    [Test]
    public void Write_OverAnExistingFile_ReplacesItWhole()
    {
        using var dir = TempDirectory.Create();
        var path = Path.Combine(dir.Path, "meta.json");
        AtomicFile.Write(path, "{\"title\":\"first title, longer than the second\"}"u8, flushToDisk: false);

        AtomicFile.Write(path, "{\"title\":\"second\"}"u8, flushToDisk: false);

        File.ReadAllText(path).Should().Be("{\"title\":\"second\"}");
        Directory.GetFiles(dir.Path).Should().ContainSingle();
    }

    [Test]
    public void Write_OntoAFolder_ThrowsIOExceptionAndLeavesNoTempFile()
    {
        using var dir = TempDirectory.Create();
        var path = Path.Combine(dir.Path, "base_state.json");
        Directory.CreateDirectory(path);

        var write = () => AtomicFile.Write(path, "{}"u8, flushToDisk: false);

        write.Should().Throw<IOException>();
        Directory.GetFiles(dir.Path).Should().BeEmpty();
        Directory.Exists(path).Should().BeTrue();
    }

    [Test]
    public void CreatePrivate_ExistingFile_ThrowsIOExceptionAndLeavesItUnchanged()
    {
        using var dir = TempDirectory.Create();
        var path = Path.Combine(dir.Path, "taken.tmp");
        File.WriteAllText(path, "kept");

        var act = () => AtomicFile.CreatePrivate(path).Dispose();

        act.Should().Throw<IOException>().WithMessage("*taken.tmp*");
        File.ReadAllText(path).Should().Be("kept");
    }
}
