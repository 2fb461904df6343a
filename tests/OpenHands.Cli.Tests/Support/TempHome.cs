namespace OpenHands.Cli.Tests.Support;

/// <summary>A temporary user folder: <c>Root</c> plays HOME, <c>Home</c> is its <c>.openhands</c>. Deleted on dispose.</summary>
public sealed class TempHome : IDisposable
{
    private TempHome(string root)
    {
        Root = root;
        Home = Path.Combine(root, ".openhands");
        Workspace = Path.Combine(root, "work");
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Workspace);
    }

    public string Root { get; }

    public string Home { get; }

    public string Workspace { get; }

    public static TempHome Create() => new(Path.Combine(Path.GetTempPath(), "ohcli-" + Guid.NewGuid().ToString("N")[..12]));

    public string Combine(params string[] parts) => Path.Combine([Home, .. parts]);

    public void Write(string relative, string text) => File.WriteAllText(Combine(relative), text);

    /// <summary>Every file below the root (home and workspace), relative to the OpenHands folder where inside it.</summary>
    public IEnumerable<(string Relative, string Text)> AllFiles() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Select(f => (Path.GetRelativePath(Home, f), File.ReadAllText(f)));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
