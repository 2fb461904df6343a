using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Security;

namespace OpenHands.Benchmarks;

/// <summary>The profile the benchmarks load and save, and helpers shared by the floors.</summary>
internal static class BenchProfile
{
    public const string SecretKey = "bench-secret-key-0123456789";

    private static readonly FileStreamOptions CreateNew = OperatingSystem.IsWindows()
        ? new() { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None }
        : new() { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };

    private static long _floorCounter;

    public static Llm Create() => new("anthropic/claude-sonnet-4-5")
    {
        ApiKey = new SecretString("sk-test-bench.4f7c2a9e1b3d5f6a8c0e2b4d6f8a0c1e3b5d7f9a"),
        BaseUrl = "https://llm-proxy.example.com/v1",
        Temperature = 0.2,
        ExtraHeaders = ImmutableDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
        {
            ["X-Team"] = "platform",
            ["X-Request-Source"] = "openhands-bench",
        }),
    };

    /// <summary>A fresh folder under the system temp folder.</summary>
    public static string NewFolder(string label)
    {
        var path = Path.Combine(Path.GetTempPath(), $"oh-bench-{label}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void DeleteFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// The save floor: writes <paramref name="bytes"/> to a new temp file in <paramref name="folder"/> (flushed to disk
    /// or not) and renames it over <c>floor.json</c>.
    /// </summary>
    public static void WriteAndRename(string folder, ReadOnlySpan<byte> bytes, bool flush)
    {
        var temp = Path.Combine(folder, $"floor{Interlocked.Increment(ref _floorCounter)}.tmp");
        using (var stream = new FileStream(temp, CreateNew))
        {
            stream.Write(bytes);
            stream.Flush(flush);
        }

        File.Move(temp, Path.Combine(folder, "floor.json"), overwrite: true);
    }

    /// <summary>The Fernet signing and encryption keys, derived as <see cref="Cipher"/> derives them.</summary>
    public static (byte[] Signing, byte[] Encryption) DeriveKeys()
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(SecretKey));
        return (digest[..16], digest[16..]);
    }
}
