using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Xml.Linq;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Conventions;

/// <summary>
/// What a package user gets: every .nupkg carries its own README, the license, an icon, repository and project URLs,
/// XML docs, and a .snupkg whose PDBs map their sources with SourceLink.
/// </summary>
/// <remarks>
/// <c>.ci/run</c> packs the solution into the folder named by <c>OPENHANDS_PACKAGES_DIR</c>; without it, the test packs
/// the solution itself into a temp folder.
/// </remarks>
[Category("Packaging")]
public sealed class PackageTests
{
    private static readonly string[] Packages = ["OpenHands.Sdk", "OpenHands.Sdk.PostgreSql", "OpenHands.AgentServer", "OpenHands.AgentServer.Host", "OpenHands.Cli", "OpenHands.Cli.any"];

    /// <summary>
    /// The packages that carry an assembly: the CLI's is in its framework-dependent fallback (<c>OpenHands.Cli.any</c>);
    /// <c>OpenHands.Cli</c> is the pointer package and <c>OpenHands.Cli.linux-x64</c> a native executable.
    /// </summary>
    private static readonly string[] AssemblyPackages = ["OpenHands.Sdk", "OpenHands.Sdk.PostgreSql", "OpenHands.AgentServer", "OpenHands.AgentServer.Host", "OpenHands.Cli.any"];

    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private static string? s_folder;

    [OneTimeSetUp]
    public async Task PackAsync()
    {
        var given = Environment.GetEnvironmentVariable("OPENHANDS_PACKAGES_DIR");
        if (!string.IsNullOrEmpty(given))
        {
            s_folder = given;
            return;
        }

        s_folder = Path.Combine(Path.GetTempPath(), "openhands-pack-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo("dotnet", ["pack", Path.Combine(Fixtures.RepoRoot, "OpenHands.Sdk.sln"), "-c", "Release", "-o", s_folder, "--nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var pack = Process.Start(start)!;
        var output = pack.StandardOutput.ReadToEndAsync();
        var errors = pack.StandardError.ReadToEndAsync();
        await pack.WaitForExitAsync();
        pack.ExitCode.Should().Be(0, await output + await errors);

        // The CLI's framework-dependent fallback has its own pack (docs/cli.md, "Packages"); the Native AOT one is packed
        // by .ci/run only (minutes of compiling), and its test is skipped here without it.
        var fallback = new ProcessStartInfo("dotnet", ["pack", Path.Combine(Fixtures.RepoRoot, "src", "OpenHands.Cli"), "-c", "Release", "-r", "any", "-o", s_folder, "--nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var any = Process.Start(fallback)!;
        var anyOutput = any.StandardOutput.ReadToEndAsync();
        var anyErrors = any.StandardError.ReadToEndAsync();
        await any.WaitForExitAsync();
        any.ExitCode.Should().Be(0, await anyOutput + await anyErrors);
    }

    [OneTimeTearDown]
    public void Clean()
    {
        if (s_folder is not null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OPENHANDS_PACKAGES_DIR")) && Directory.Exists(s_folder))
        {
            Directory.Delete(s_folder, recursive: true);
        }
    }

    [Test]
    public void Repository_HasTheLicenseThePackagesDeclare() =>
        File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "LICENSE")).Should().StartWith("MIT License");

    [TestCaseSource(nameof(Packages))]
    public void Package_DeclaresLicenseUrlsIconAndReadme(string id)
    {
        using var package = Open(id, ".nupkg");
        var metadata = ReadNuspec(package);

        Value(metadata, "license").Should().Be("MIT");
        Value(metadata, "license", "type").Should().Be("expression");
        Value(metadata, "projectUrl").Should().StartWith("https://");
        Value(metadata, "repository", "url").Should().StartWith("https://");
        Value(metadata, "repository", "commit").Should().MatchRegex("^[0-9a-f]{40}$");
        Value(metadata, "icon").Should().Be("icon.png");
        Value(metadata, "readme").Should().Be("README.md");
        package.GetEntry("icon.png").Should().NotBeNull();
        package.GetEntry("LICENSE").Should().NotBeNull();
    }

    [TestCaseSource(nameof(Packages))]
    public void Package_ReadmeIsItsOwnAndLinksAbsolutely(string id)
    {
        using var package = Open(id, ".nupkg");
        using var reader = new StreamReader(package.GetEntry("README.md")!.Open());
        var readme = reader.ReadToEnd();

        readme.Should().StartWith("# ").And.Contain(id.StartsWith("OpenHands.Cli", StringComparison.Ordinal) ? "openhands" : id);
        readme.Should().NotMatchRegex(@"\]\((?!https?://)[^)]+\)", "a package page cannot follow links relative to the repository");
        readme.Should().NotContain("dotnet test", "contributor commands belong in the repository README");
    }

    [TestCaseSource(nameof(AssemblyPackages))]
    public void Package_ShipsItsAssemblyWithXmlDocs(string id)
    {
        using var package = Open(id, ".nupkg");
        var names = package.Entries.Select(e => e.FullName).ToList();
        var assembly = AssemblyName(id);

        names.Should().Contain(n => n.EndsWith("/" + assembly + ".dll", StringComparison.Ordinal));
        names.Should().Contain(n => n.EndsWith("/" + assembly + ".xml", StringComparison.Ordinal));
    }

    [TestCaseSource(nameof(AssemblyPackages))]
    public void SymbolPackage_PdbMapsSourcesWithSourceLink(string id)
    {
        using var symbols = Open(id, ".snupkg");
        var assembly = AssemblyName(id);
        var entry = symbols.Entries.Single(e => e.FullName.EndsWith("/" + assembly + ".pdb", StringComparison.Ordinal));
        using var pdb = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(pdb);
        }

        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var sourceLink = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(info => reader.GetGuid(info.Kind) == SourceLinkKind)
            .Select(info => System.Text.Encoding.UTF8.GetString(reader.GetBlobBytes(info.Value)))
            .SingleOrDefault();

        sourceLink.Should().NotBeNull("the PDB must carry a SourceLink map").And.Contain("https://raw.githubusercontent.com/");
    }

    /// <summary>
    /// A shipped package's assembly lets no other assembly see its internals but its tests and the benchmarks: the server
    /// and the CLI build against the SDK as any NuGet consumer does, so a later SDK cannot break them at run time.
    /// </summary>
    [TestCaseSource(nameof(AssemblyPackages))]
    public void Package_AssemblyGrantsInternalsOnlyToTestsAndBenchmarks(string id)
    {
        using var package = Open(id, ".nupkg");
        var grantees = InternalsVisibleTo(package, AssemblyName(id));
        grantees.Where(g => !g.EndsWith(".Tests", StringComparison.Ordinal) && g != "OpenHands.Benchmarks")
            .Should().BeEmpty("internals are for tests and benchmarks only; a shipped package uses the public API (docs/package-boundaries.md)");
    }

    /// <summary>
    /// The CLI's pointer package carries no code, only the tool settings naming its RID packages: the Native AOT one for
    /// linux-x64 and the framework-dependent fallback for every other platform; the fallback runs on <c>dotnet</c>.
    /// </summary>
    [Test]
    public void CliPointerPackage_NamesTheAotAndFallbackPackages()
    {
        using var pointer = Open("OpenHands.Cli", ".nupkg");
        var settings = ReadXml(pointer, "tools/any/any/DotnetToolSettings.xml");
        var rids = settings.Descendants("RuntimeIdentifierPackage").ToDictionary(e => (string)e.Attribute("RuntimeIdentifier")!, e => (string)e.Attribute("Id")!);

        rids.Should().Equal(new Dictionary<string, string> { ["linux-x64"] = "OpenHands.Cli.linux-x64", ["any"] = "OpenHands.Cli.any" });
        pointer.Entries.Should().NotContain(e => e.FullName.EndsWith(".dll", StringComparison.Ordinal), "the pointer package holds no implementation");

        using var fallback = Open("OpenHands.Cli.any", ".nupkg");
        var command = ReadXml(fallback, "tools/net10.0/any/DotnetToolSettings.xml").Descendants("Command").Single();
        ((string?)command.Attribute("Runner")).Should().Be("dotnet");
        ((string?)command.Attribute("EntryPoint")).Should().Be("openhands.dll");
    }

    private static XElement ReadXml(ZipArchive package, string path)
    {
        var entry = package.GetEntry(path);
        entry.Should().NotBeNull($"the package must hold {path}");
        using var stream = entry!.Open();
        return XDocument.Load(stream).Root!;
    }

    private static string AssemblyName(string id) => id.StartsWith("OpenHands.Cli", StringComparison.Ordinal) ? "openhands" : id;

    /// <summary>The assembly names of the <c>InternalsVisibleTo</c> attributes of the package's assembly.</summary>
    private static List<string> InternalsVisibleTo(ZipArchive package, string assembly)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith("/" + assembly + ".dll", StringComparison.Ordinal));
        using var image = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(image);
        }

        image.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(image);
        var reader = pe.GetMetadataReader();
        var grantees = new List<string>();
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var parent = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
            if (parent.Kind != HandleKind.TypeReference || reader.GetString(reader.GetTypeReference((TypeReferenceHandle)parent).Name) != "InternalsVisibleToAttribute")
            {
                continue;
            }

            // The blob: prolog 0x0001, then one SerString (a compressed length and UTF-8 bytes): "Name" or "Name, PublicKey=...".
            var blob = reader.GetBlobReader(attribute.Value);
            blob.ReadUInt16();
            grantees.Add(blob.ReadSerializedString()!.Split(',')[0].Trim());
        }

        return grantees;
    }

    private static ZipArchive Open(string id, string extension)
    {
        var path = Directory.EnumerateFiles(s_folder!, id + ".*" + extension)
            .SingleOrDefault(p => Path.GetFileName(p)[(id.Length + 1)..].Split('.').First().All(char.IsDigit));
        path.Should().NotBeNull($"{id}{extension} must be packed into {s_folder}");
        return ZipFile.OpenRead(path!);
    }

    private static XElement ReadNuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        var root = XDocument.Load(stream).Root!;
        return root.Element(root.Name.Namespace + "metadata")!; // tool packages use an older nuspec namespace
    }

    /// <summary>An element's text or one of its attributes; empty when absent, so the assertion names what is missing.</summary>
    private static string Value(XElement metadata, string element, string? attribute = null)
    {
        var found = metadata.Element(metadata.Name.Namespace + element);
        return (attribute is null ? found?.Value : found?.Attribute(attribute)?.Value) ?? string.Empty;
    }
}
