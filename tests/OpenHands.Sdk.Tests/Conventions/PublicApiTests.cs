using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using OpenHands.Sdk.Llms;

namespace OpenHands.Sdk.Tests.Conventions;

/// <summary>
/// Convention tests: the public surface changes only on purpose (compared with the committed PublicAPI.txt),
/// and no public member holds a secret as a plain string.
/// </summary>
[Category("Conventions")]
public sealed partial class PublicApiTests
{
    private static readonly Assembly Sdk = typeof(Llm).Assembly;

    [Test]
    public void PublicApi_MatchesApprovedListing()
    {
        var approvedPath = Path.Combine(Support.Fixtures.RepoRoot, "src", "OpenHands.Sdk", "PublicAPI.txt");
        var actual = Describe(Sdk);
        if (Environment.GetEnvironmentVariable("OPENHANDS_UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllText(approvedPath, actual);
        }

        File.Exists(approvedPath).Should().BeTrue("src/OpenHands.Sdk/PublicAPI.txt lists the approved public API; run the tests with OPENHANDS_UPDATE_PUBLIC_API=1 to write it");
        actual.Should().Be(File.ReadAllText(approvedPath),
            "the public API changed: review the difference and run the tests with OPENHANDS_UPDATE_PUBLIC_API=1 to approve it");
    }

    // Options are bound from IConfiguration, which supplies strings; the value is turned into a Cipher at start-up
    // and never serialized or logged.
    private static readonly string[] AllowedStringSecrets = ["OpenHandsOptions.SecretKey"];

    [Test]
    public void PublicTypes_HaveNoPlainStringSecretProperties()
    {
        var offenders = Sdk.GetExportedTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Select(p => (t, p)))
            .Where(x => x.p.PropertyType == typeof(string) && SecretName().IsMatch(x.p.Name))
            .Select(x => $"{x.t.Name}.{x.p.Name}")
            .Except(AllowedStringSecrets);

        offenders.Should().BeEmpty("secrets must be typed as SecretString");
    }

    [Test]
    public void PublicTypes_AreSealedOrAbstractOrStatic()
    {
        var open = Sdk.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract && t != typeof(OpenHandsException))
            .Select(t => t.FullName);

        open.Should().BeEmpty("types are sealed unless they are meant to be extended");
    }

    private static string Describe(Assembly assembly)
    {
        var builder = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            builder.Append(type.IsEnum ? "enum " : type.IsInterface ? "interface " : type.IsValueType ? "struct " : "class ")
                .AppendLine(type.FullName);
            var members = type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m is not MethodInfo { IsSpecialName: true } || m.Name.StartsWith("op_", StringComparison.Ordinal))
                .Where(m => !(m is MethodInfo mi && mi.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is not null))
                .Select(Format)
                .Order(StringComparer.Ordinal);
            foreach (var member in members)
            {
                builder.Append("  ").AppendLine(member);
            }
        }

        return builder.ToString().ReplaceLineEndings("\n");
    }

    private static string Format(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m => $"{(m.IsStatic ? "static " : string.Empty)}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
        PropertyInfo p => $"{Name(p.PropertyType)} {p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : string.Empty)}{(p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? "init; " : "set; ") : string.Empty)}}}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{Name(f.FieldType)} {f.Name}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        Type t => $"nested {t.Name}",
        _ => member.ToString()!,
    };

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string Name(Type type) =>
        type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>"
            : type.Name;

    [GeneratedRegex("(ApiKey|SecretKey|AccessKey|KeyId|Token|Secret|Password)$")]
    private static partial Regex SecretName();
}
