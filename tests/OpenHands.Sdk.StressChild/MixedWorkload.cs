using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.StressChild;

/// <summary>What one run of <see cref="MixedWorkload"/> did.</summary>
public sealed record MixedSummary(
    int Seed, int Operations, int Saves, int Loads, int LoadsMissing, int Lists, int Summaries, int Deletes, int Busy, long ElapsedMs);

/// <summary>
/// Random saves, loads, lists and deletes on the profiles <c>shared0</c> to <c>shared4</c>. Every loaded profile is
/// verified; only <see cref="StoreBusyException"/> (the documented lock timeout) is caught and counted.
/// </summary>
public static class MixedWorkload
{
    public static readonly IReadOnlyList<string> Names = ["shared0", "shared1", "shared2", "shared3", "shared4"];

    public static async Task<MixedSummary> RunAsync(IReadOnlyList<ILlmProfileStore> stores, int seed, int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var random = new Random(seed);
        var started = System.Diagnostics.Stopwatch.StartNew();
        int saves = 0, loads = 0, missing = 0, lists = 0, summaries = 0, deletes = 0, busy = 0;
        for (var i = 0; i < count; i++)
        {
            var store = stores[random.Next(stores.Count)];
            var name = ProfileName.Create(Names[random.Next(Names.Count)]);
            var roll = random.Next(100);
            try
            {
                if (roll < 45)
                {
                    await store.SaveAsync(name, StressProfiles.Create(random), cancellationToken: cancellationToken).ConfigureAwait(false);
                    saves++;
                }
                else if (roll < 75)
                {
                    var llm = await store.TryLoadAsync(name, cancellationToken).ConfigureAwait(false);
                    if (llm is null)
                    {
                        missing++;
                    }
                    else
                    {
                        StressProfiles.Verify(name.Value, llm);
                    }

                    loads++;
                }
                else if (roll < 85)
                {
                    foreach (var listed in await store.ListAsync(cancellationToken).ConfigureAwait(false))
                    {
                        ExpectShared(listed.Value);
                    }

                    lists++;
                }
                else if (roll < 95)
                {
                    foreach (var summary in await store.ListSummariesAsync(cancellationToken).ConfigureAwait(false))
                    {
                        ExpectShared(summary.Name.Value);
                        if (!summary.ApiKeySet || summary.Model is null)
                        {
                            throw new InvalidDataException($"Summary of '{summary.Name}' has no model or no key: {summary}.");
                        }
                    }

                    summaries++;
                }
                else
                {
                    await store.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
                    deletes++;
                }
            }
            catch (StoreBusyException)
            {
                busy++;
            }
        }

        return new MixedSummary(seed, count, saves, loads, missing, lists, summaries, deletes, busy, started.ElapsedMilliseconds);
    }

    private static void ExpectShared(string name)
    {
        if (!Names.Contains(name))
        {
            throw new InvalidDataException($"The store listed '{name}', which no workload wrote.");
        }
    }
}
