namespace OpenHands.Sdk.Tests.Support;

/// <summary>The relative path, bytes and last-write time of every file below a folder, to prove nothing changed.</summary>
public sealed class FolderSnapshot
{
    private FolderSnapshot(string root, IReadOnlyDictionary<string, (byte[] Bytes, DateTime LastWriteUtc)> files)
    {
        Root = root;
        Files = files;
    }

    public string Root { get; }

    public IReadOnlyDictionary<string, (byte[] Bytes, DateTime LastWriteUtc)> Files { get; }

    public static FolderSnapshot Take(string root) => new(
        root,
        Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(
                f => Path.GetRelativePath(root, f).Replace('\\', '/'),
                f => (File.ReadAllBytes(f), File.GetLastWriteTimeUtc(f)),
                StringComparer.Ordinal)
            : new Dictionary<string, (byte[], DateTime)>(StringComparer.Ordinal));

    /// <summary>Asserts that the folder holds exactly the same files with the same bytes and times as when this snapshot was taken.</summary>
    public void ShouldBeUnchanged(string because = "")
    {
        var now = Take(Root);
        now.Files.Keys.Should().BeEquivalentTo(Files.Keys, "no file may be created or deleted {0}", because);
        foreach (var (path, (bytes, written)) in Files)
        {
            now.Files[path].Bytes.Should().Equal(bytes, "'{0}' must be byte-identical {1}", path, because);
            now.Files[path].LastWriteUtc.Should().Be(written, "'{0}' must not be rewritten {1}", path, because);
        }
    }
}
