using System.Collections.Immutable;
using OpenHands.AgentServer.Endpoints;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The start-up warm-up's sample profile listing: the <c>GET /api/profiles</c> handler run once on a file profile store
/// in a new folder under the temp folder, holding <see cref="Count"/> copies of one sample profile, so that the first
/// listing of the user's profiles does not run the listing's code cold (the folder scan, the file stamps, the parallel
/// reads, the summary cache and its file, the settings read, the answer for many profiles). The folder is deleted afterwards; the
/// user's stores are never called.
/// </summary>
internal static class WarmupProfileListing
{
    /// <summary>Above the count from which the file store reads a listing's files in parallel (32), so that path is the one compiled.</summary>
    private const int Count = 40;

    public static async Task RunAsync(Cipher? cipher, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("openhands-warm-up-").FullName;
        try
        {
            var profiles = new LlmProfileStore(new LlmProfileStoreOptions { Directory = Path.Combine(folder, "profiles"), FlushToDisk = false }, cipher);
            var llm = new Llm("openai/gpt-4o")
            {
                ApiKey = new SecretString("warm-up-sample-key"),
                BaseUrl = "https://llm.invalid/v1",
                ExtraHeaders = ImmutableDictionary<string, string>.Empty.Add("X-Warm-Up", "sample"),
            };
            var first = ProfileName.Create("warm-up-00");
            await profiles.SaveAsync(first, llm, cancellationToken: cancellationToken).ConfigureAwait(false);
            var bytes = await File.ReadAllBytesAsync(profiles.GetPath(first), cancellationToken).ConfigureAwait(false);
            for (var i = 1; i < Count; i++)
            {
                await File.WriteAllBytesAsync(profiles.GetPath(ProfileName.Create($"warm-up-{i:D2}")), bytes, cancellationToken).ConfigureAwait(false);
            }

            // Old enough stamps, so that the summary cache is used: the first listing reads the files and writes the cache
            // file, the second (a new store, as after a restart) reads only that file and the stamps.
            var settled = TimeProvider.System.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(1);
            foreach (var file in System.IO.Directory.EnumerateFiles(profiles.Directory, "*.json"))
            {
                File.SetLastWriteTimeUtc(file, settled);
            }

            System.IO.Directory.SetLastWriteTimeUtc(profiles.Directory, settled);
            for (var round = 0; round < 2; round++)
            {
                var store = round == 0 ? profiles : new LlmProfileStore(new LlmProfileStoreOptions { Directory = profiles.Directory, FlushToDisk = false }, cipher);
                var settings = new SettingsStore(new SettingsStoreOptions { Directory = folder }, store, cipher);
                var connections = new ProviderConnectionStore(new ProviderConnectionStoreOptions { Directory = folder }, cipher, store);
                _ = await ProfilesEndpoints.ListAsync(store, settings, connections, new ProfileListingCache(), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
