using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using EventLog = OpenHands.Sdk.Conversations.Persistence.EventLog;

namespace OpenHands.Benchmarks.SideBySide;

/// <summary>
/// The files both sides of the side-by-side run read: conversations of terminal observations (the event the Python SDK
/// stores most, <c>ObservationEvent</c> with a <c>TerminalObservation</c>) and 1,000 profiles with encrypted keys.
/// Written once by the SDK; the Python side reads the very same bytes (its copy of a folder is a byte copy).
/// </summary>
internal static class SideBySidePayloads
{
    /// <summary>Writes <paramref name="count"/> events into <c><paramref name="conversation"/>/events</c>, sizes as <see cref="EventPayloads"/>.</summary>
    /// <param name="conversation">The conversation folder (the Python side opens it as a <c>LocalFileStore</c> root).</param>
    /// <param name="count">How many events.</param>
    /// <param name="small">Every event about 600 B (history for the append figures) instead of the realistic spread.</param>
    public static void WriteConversation(string conversation, int count, bool small)
    {
        var log = EventLog.Open(Path.Combine(conversation, EventLog.FolderName));
        var random = new Random(small ? 23 : 11);
        var template = EventPayloads.Create(small ? 1 : count, seed: 11);
        for (var i = 0; i < count; i++)
        {
            var text = small ? new string('x', random.Next(300, 900)) : template[i].Text;
            log.Append(Observation(i, text));
        }
    }

    /// <summary>A terminal observation as the Python SDK writes one (<c>command</c>, <c>exit_code</c>, <c>metadata</c>).</summary>
    public static ObservationEvent Observation(int i, string text) => new()
    {
        Id = Guid.NewGuid().ToString(),
        Timestamp = DateTimeOffset.UnixEpoch.AddDays(20_000).AddSeconds(i),
        Source = EventSource.Environment,
        ToolName = "terminal",
        ToolCallId = "call_" + i,
        ActionId = Guid.NewGuid().ToString(),
        ObservationKind = "TerminalObservation",
        Text = text,
        ObservationFields = ObservationFields,
    };

    private static readonly ImmutableDictionary<string, JsonElement> ObservationFields = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
        new Dictionary<string, JsonElement>
        {
            ["command"] = JsonDocument.Parse("\"ls -la /workspace\"").RootElement.Clone(),
            ["exit_code"] = JsonDocument.Parse("0").RootElement.Clone(),
            ["timeout"] = JsonDocument.Parse("false").RootElement.Clone(),
            ["metadata"] = JsonDocument.Parse("""{"exit_code":0,"pid":-1,"username":"openhands","hostname":"sandbox","working_dir":"/workspace","prefix":"","suffix":""}""").RootElement.Clone(),
        });

    /// <summary>Copies the files of <paramref name="from"/> (one level of folders) into <paramref name="to"/>.</summary>
    public static void CopyConversation(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories).Prepend(from))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, dir));
            Directory.CreateDirectory(target);
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }
    }

    /// <summary>Saves <paramref name="count"/> profiles with Fernet-encrypted keys into <paramref name="folder"/> (the SDK's own save).</summary>
    public static async Task WriteProfilesAsync(string folder, int count)
    {
        var store = new LlmProfileStore(new LlmProfileStoreOptions { Directory = folder, FlushToDisk = false }, new Cipher(BenchProfile.SecretKey));
        var models = new[] { "anthropic/claude-sonnet-4-5", "openai/gpt-4o", "gemini/gemini-2.5-pro", "mistral/mistral-large-latest" };
        for (var i = 0; i < count; i++)
        {
            var llm = BenchProfile.Create() with { Model = models[i % models.Length] };
            await store.SaveAsync(ProfileName.Create($"profile-{i:D4}"), llm);
        }

        // As profiles saved before the server starts: stamps older than the racy window, so the listing's summary cache
        // may trust them from the first listing on (files just written are read by every listing for a few seconds).
        var saved = DateTime.UtcNow - TimeSpan.FromMinutes(10);
        foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
        {
            File.SetLastWriteTimeUtc(file, saved);
        }

        Directory.SetLastWriteTimeUtc(folder, saved);
    }
}
