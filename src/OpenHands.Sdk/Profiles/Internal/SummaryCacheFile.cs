using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Internal;

namespace OpenHands.Sdk.Profiles.Internal;

/// <summary>
/// The summary cache of a profile folder kept on disk (<c>.cache/llm-profile-summaries.json</c> in the folder), so
/// that the first listing of a process whose folder has not changed since the last listing (a server restart) reads
/// no profile file: it only compares each file's stamp with the one kept here.
/// </summary>
/// <remarks>
/// <para>
/// The file holds what a listing may show and nothing secret: each profile's name, model, base URL, provider
/// connection id and whether a key is set, with the stamp of its file when it was read (settled stamps only, the rule
/// of <see cref="FileStamp.IsSettled"/>), and the folder's stamp when its names were listed. It is used only while the
/// folder's stamp is still that one: any profile added, removed or renamed by anyone (this SDK, the Python SDK, a
/// user's shell) changes the folder's stamp and makes the whole file stale, so a rename can never pass one profile's
/// summary off as another's. A file edited in place keeps the folder's stamp but changes its own, and is read again.
/// </para>
/// <para>
/// The file sits in a subfolder so that writing it never changes the profile folder's own stamp, and it is written
/// like every other file (a private temp file renamed over it). It is only an optimization: a missing, unreadable,
/// foreign or damaged file is ignored (the listing reads the profile files), and a folder where it cannot be written
/// (read-only) lists as it did without it.
/// </para>
/// </remarks>
internal static class SummaryCacheFile
{
    /// <summary>The subfolder of the profile folder that holds the file (not a <c>*.json</c> name: never listed as a profile).</summary>
    public const string FolderName = ".cache";

    /// <summary>The file's name in <see cref="FolderName"/>.</summary>
    public const string FileName = "llm-profile-summaries.json";

    /// <summary>The format of the file; any other is ignored (and replaced at the next listing that reads files).</summary>
    private const int Version = 1;

    /// <summary>The file's path for the profile folder <paramref name="directory"/>.</summary>
    public static string PathIn(string directory) => Path.Combine(directory, FolderName, FileName);

    /// <summary>
    /// The entries kept for <paramref name="directory"/> while its stamp is <paramref name="folder"/>, or
    /// <see langword="null"/> when there is no usable file: absent, unreadable, another version, damaged, or made when
    /// the folder's stamp was another.
    /// </summary>
    public static Dictionary<ProfileName, CachedSummary>? TryRead(string directory, FileStamp folder)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(PathIn(directory));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;   // none yet (the usual case for a folder never listed), or not readable by this user
        }

        try
        {
            var document = JsonSerializer.Deserialize(bytes, SummaryCacheJsonContext.Default.SummaryCacheDocument);
            if (document is not { Version: Version, Profiles: { } profiles } || document.Folder is not { } stamp || stamp.ToStamp() != folder)
            {
                return null;
            }

            var entries = new Dictionary<ProfileName, CachedSummary>(profiles.Count);
            foreach (var entry in profiles)
            {
                if (entry?.Stamp is not { } fileStamp || !ProfileName.TryCreate(entry.Name, out var name) || name.Value != entry.Name)
                {
                    return null;   // not a file this code wrote: trust none of it
                }

                var summary = entry.Summary is { } s ? new LlmProfileSummary(name, s.Model, s.BaseUrl, s.ProviderConnectionId, s.ApiKeySet) : null;
                entries[name] = new CachedSummary(fileStamp.ToStamp(), summary);
            }

            return entries;
        }
        catch (JsonException)
        {
            return null;   // damaged (a torn copy, a hand edit): the listing reads the profile files and writes a new one
        }
    }

    /// <summary>
    /// Makes the file's subfolder in <paramref name="directory"/> if it is missing (once per folder, when a store is
    /// made: creating it changes the folder's stamp, which must not happen between a listing and its cache write).
    /// </summary>
    /// <returns>Whether the subfolder is there; <see langword="false"/> in a folder this user cannot write (no cache then).</returns>
    public static bool TryPrepare(string directory)
    {
        try
        {
            AtomicFile.EnsureDirectory(Path.Combine(directory, FolderName));
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes <paramref name="entries"/> as the cache of <paramref name="directory"/> while its stamp is
    /// <paramref name="folder"/>. Returns <see langword="false"/> without writing when the subfolder is missing (see
    /// <see cref="TryPrepare"/>; making it now would change the folder's stamp, so the entries would never match).
    /// </summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable by this user.</exception>
    public static bool Write(string directory, FileStamp folder, IEnumerable<KeyValuePair<ProfileName, CachedSummary>> entries)
    {
        if (!System.IO.Directory.Exists(Path.Combine(directory, FolderName)))
        {
            return false;
        }

        var profiles = new List<SummaryCacheEntry?>();
        foreach (var (name, cached) in entries)
        {
            var summary = cached.Summary is { } s
                ? new SummaryCacheProfile { Model = s.Model, BaseUrl = s.BaseUrl, ProviderConnectionId = s.ProviderConnectionId, ApiKeySet = s.ApiKeySet }
                : null;
            profiles.Add(new SummaryCacheEntry { Name = name.Value, Stamp = SummaryCacheStamp.Of(cached.Stamp), Summary = summary });
        }

        var document = new SummaryCacheDocument { Version = Version, Folder = SummaryCacheStamp.Of(folder), Profiles = profiles };
        AtomicFile.Write(PathIn(directory), JsonSerializer.SerializeToUtf8Bytes(document, SummaryCacheJsonContext.Default.SummaryCacheDocument), flushToDisk: false);
        return true;
    }
}

/// <summary>The file of <see cref="SummaryCacheFile"/>.</summary>
internal sealed class SummaryCacheDocument
{
    public int Version { get; init; }

    public SummaryCacheStamp? Folder { get; init; }

    public List<SummaryCacheEntry?>? Profiles { get; init; }
}

/// <summary>One profile file: its name, its stamp when it was read, and its summary (<see langword="null"/>: skipped as unreadable).</summary>
internal sealed class SummaryCacheEntry
{
    public string? Name { get; init; }

    public SummaryCacheStamp? Stamp { get; init; }

    public SummaryCacheProfile? Summary { get; init; }
}

/// <summary>What a listing shows of a profile (never a key).</summary>
internal sealed class SummaryCacheProfile
{
    public string? Model { get; init; }

    public string? BaseUrl { get; init; }

    public string? ProviderConnectionId { get; init; }

    public bool ApiKeySet { get; init; }
}

/// <summary>A <see cref="FileStamp"/> as stored: size and times in UTC ticks (exact, unlike a formatted time).</summary>
internal sealed class SummaryCacheStamp
{
    public long Length { get; init; }

    public long LastWriteTicks { get; init; }

    public long CreationTicks { get; init; }

    public static SummaryCacheStamp Of(FileStamp stamp) =>
        new() { Length = stamp.Length, LastWriteTicks = stamp.LastWriteTimeUtc.Ticks, CreationTicks = stamp.CreationTimeUtc.Ticks };

    /// <exception cref="JsonException">A time is out of range (a damaged file).</exception>
    public FileStamp ToStamp()
    {
        if (!InRange(LastWriteTicks) || !InRange(CreationTicks))
        {
            throw new JsonException("A time of the summary cache is out of range.");
        }

        return new FileStamp(Length, new DateTime(LastWriteTicks, DateTimeKind.Utc), new DateTime(CreationTicks, DateTimeKind.Utc));
    }

    private static bool InRange(long ticks) => ticks >= 0 && ticks <= DateTime.MaxValue.Ticks;
}

/// <summary>Source-generated JSON of <see cref="SummaryCacheFile"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SummaryCacheDocument))]
internal sealed partial class SummaryCacheJsonContext : JsonSerializerContext;
