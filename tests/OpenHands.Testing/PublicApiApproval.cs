using System.Reflection;
using NUnit.Framework;
using PublicApiGenerator;

namespace OpenHands.Testing;

/// <summary>
/// Compares a package's public API, written as C# declarations with nullability, modifiers and attributes such as
/// <c>[Obsolete]</c>, with the listing approved beside its project; the API changes only on purpose.
/// </summary>
public static class PublicApiApproval
{
    /// <summary>The variable that, set to <c>1</c>, rewrites the approved listing instead of comparing.</summary>
    public const string UpdateVariable = "OPENHANDS_UPDATE_PUBLIC_API";

    /// <summary>Asserts that <paramref name="assembly"/>'s public API equals <c>src/&lt;project&gt;/PublicAPI.txt</c>.</summary>
    /// <param name="assembly">The package's assembly.</param>
    /// <param name="project">The project folder under <c>src/</c>.</param>
    public static void Verify(Assembly assembly, string project)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var approvedPath = Path.Combine(RepositoryFiles.RepoRoot, "src", project, "PublicAPI.txt");
        var actual = Generate(assembly);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(approvedPath, actual);
        }

        Assert.That(File.Exists(approvedPath), $"{approvedPath} lists the approved public API; run the tests with {UpdateVariable}=1 to write it.");
        var approved = File.ReadAllText(approvedPath).ReplaceLineEndings("\n");
        if (approved != actual)
        {
            Assert.Fail($"The public API of {project} changed. Review the difference below and run the tests with {UpdateVariable}=1 to approve it.\n"
                + FirstDifference(approved, actual));
        }
    }

    /// <summary>
    /// The public API as C# declarations, sorted, without assembly attributes and without compiler-generated state
    /// machine attributes (their type names change with any edit to the class); extension classes in Microsoft.*
    /// namespaces included.
    /// </summary>
    public static string Generate(Assembly assembly) =>
        assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,
            DenyNamespacePrefixes = [],
            ExcludeAttributes = ["System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute"],
        }).ReplaceLineEndings("\n") + "\n";

    private static string FirstDifference(string approved, string actual)
    {
        var a = approved.Split('\n');
        var b = actual.Split('\n');
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        return $"line {i + 1}:\n  approved: {(i < a.Length ? a[i] : "(end)")}\n  actual:   {(i < b.Length ? b[i] : "(end)")}";
    }
}
