using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles.Internal;

namespace OpenHands.Sdk.Profiles;

/// <summary>The listing of <see cref="LlmProfileStore"/>: summaries read once per changed file, never decrypted.</summary>
public sealed partial class LlmProfileStore
{
    /// <inheritdoc/>
    /// <remarks>
    /// While the folder is unchanged, a file whose size and times are unchanged since it was last summarized is not
    /// read again, provided its last write time (and the folder's) was already more than a few seconds old then, so
    /// that no later write can leave them equal. Every other file is read and decoded: writes (which replace the file
    /// by rename), renames and deletions by other instances and processes show in the next listing. The files' own
    /// stamps are checked at most once a second while the folder is unchanged, so an in-place edit of a profile file
    /// by another program shows within a second.
    /// The summaries and stamps are also kept on disk (<c>.cache/llm-profile-summaries.json</c> in the folder, no key in
    /// it), so the first listing of a new process on an unchanged folder, a server restart, reads no profile file.
    /// </remarks>
    public async Task<IReadOnlyList<LlmProfileSummary>> ListSummariesAsync(CancellationToken cancellationToken = default)
    {
        // Taken before any metadata: a stamp must be older than this by the racy window to be trusted.
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var cache = CurrentSummaryCache(now);
        if (cache?.Listing is { } listing && now - listing.ValidatedAtUtc < SummaryCache.FileRecheckInterval)
        {
            return listing.Summaries;
        }

        // Each file is summarized on its own, so many of them are read and decoded in parallel (one worker per core);
        // the listing keeps the names' order. The reads are synchronous: they are small, and an asynchronous file read
        // on this platform is the same read on a pool thread plus a hop and a state machine per file (a tenth of a
        // cold listing of 1,000 profiles).
        cache?.AddEntriesFromDisk(_directory);
        var names = cache?.Names ?? ListNames();
        var results = new (LlmProfileSummary? Summary, bool FromCache)[names.Count];
        if (names.Count < ParallelListingThreshold || Environment.ProcessorCount < 2)
        {
            for (var i = 0; i < names.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                results[i] = Summarize(names[i], cache, now);
            }
        }
        else
        {
            // The first file alone: the contracts it builds (in a fresh process, most of the listing's cost) are then built
            // once, not by every worker at the same time.
            results[0] = Summarize(names[0], cache, now);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
            // Awaiting the loop rethrows what one file threw (a file that cannot be read), as the sequential listing does.
            await Parallel.ForAsync(1, names.Count, parallel, (i, _) =>
            {
                results[i] = Summarize(names[i], cache, now);
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);
        }

        var summaries = new List<LlmProfileSummary>(names.Count);
        var allCached = cache is not null;
        foreach (var (summary, fromCache) in results)
        {
            allCached &= fromCache;
            if (summary is not null)
            {
                summaries.Add(summary);
            }
        }

        if (allCached)
        {
            // Every file matched its settled stamp: the whole listing may be served again, without a stat per file,
            // until the folder changes or the recheck interval has passed.
            var snapshot = summaries.ToArray();
            cache!.Listing = new CachedListing(snapshot, now);
            return snapshot;
        }

        if (cache?.TakeChanged() == true)
        {
            // Files were read and their stamps are settled: keep them for the next process's first listing (a restart).
            // A file read only because its stamp is too recent adds nothing, so a listing right after a save writes nothing.
            WriteSummaryCache(cache);
        }

        return summaries;
    }

    /// <summary>Writes the folder's <see cref="SummaryCacheFile"/>; a failure only costs the next process a full read (logged).</summary>
    private void WriteSummaryCache(SummaryCache cache)
    {
        try
        {
            _ = cache.WriteToDisk(_directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.SummaryCacheNotWritten(SummaryCacheFile.PathIn(_directory), ex.Message);
        }
    }

    /// <summary>Below this many profiles a listing reads them one after the other (starting workers would cost more).</summary>
    private const int ParallelListingThreshold = 32;

    /// <summary>One file of a listing: its cached summary if its stamp is unchanged, else read and decoded (null: gone or damaged).</summary>
    private (LlmProfileSummary? Summary, bool FromCache) Summarize(ProfileName name, SummaryCache? cache, DateTime now)
    {
        var path = GetPath(name);
        if (FileStamp.Of(new FileInfo(path)) is not { } stamp)
        {
            return (null, true); // deleted since the listing
        }

        if (cache is not null && cache.Entries.TryGetValue(name, out var cached) && cached.Stamp == stamp)
        {
            return (cached.Summary, true);
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return (null, false); // deleted since the listing
        }

        var summary = Summarize(name, path, bytes);
        if (cache is not null)
        {
            if (stamp.IsSettled(now))
            {
                cache.Entries[name] = new CachedSummary(stamp, summary);
                cache.MarkChanged();
            }
            else
            {
                cache.Entries.TryRemove(name, out _);
            }
        }

        return (summary, false);
    }

    /// <summary>A profile file's summary, or <see langword="null"/> (logged) when the file is not a readable profile.</summary>
    /// <remarks>Nothing is decrypted: a file whose key the configured cipher does not fit is listed, so the user can see and fix it.</remarks>
    private LlmProfileSummary? Summarize(ProfileName name, string path, byte[] bytes)
    {
        try
        {
            var (model, baseUrl, providerConnectionId, apiKeySet) = LlmJsonCodec.ReadSummary(bytes);
            return new LlmProfileSummary(name, model, baseUrl, providerConnectionId, apiKeySet);
        }
        catch (LlmFormatException ex)
        {
            _logger.ProfileSkipped(path, ex.Message);
            return null;
        }
    }

    private SummaryCache? CurrentSummaryCache(DateTime now) => SummaryCache.Current(ref _summaryCache, _directory, now, ListNames);
}
