using System.Text;
using System.Text.Json;
using OpenHands.Sdk;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.PostgreSql;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Settings;

namespace OpenHands.Cli;

/// <summary>
/// A persistence folder laid out as the server's (<c>profiles/</c>, <c>provider-connections/provider_connections.json</c>,
/// <c>settings.json</c>, <c>agent-profiles/</c>, <c>conversations/</c>) read and written as stored documents: files are copied as their bytes,
/// and keys stay the tokens they are (nothing is decrypted).
/// </summary>
internal static class FileStoreDocuments
{
    private const string ProfilesFolder = "profiles";
    private const string ConnectionsFolder = "provider-connections";

    public static StoreDocuments Read(string directory)
    {
        var connections = new List<StoredProviderConnection>();
        var connectionsPath = ConnectionsPath(directory);
        if (File.Exists(connectionsPath))
        {
            connections.AddRange(ReadConnections(connectionsPath));
        }

        var settingsPath = Path.Combine(directory, SettingsStore.FileName);
        return new StoreDocuments(
            ReadFolder(Path.Combine(directory, ProfilesFolder)),
            connections,
            File.Exists(settingsPath) ? File.ReadAllText(settingsPath, Encoding.UTF8) : null,
            ReadFolder(Path.Combine(directory, AgentProfileStore.FolderName)));
    }

    /// <summary>The conversations of a persistence folder (<c>conversations/</c>, the agent server's default), through the store port.</summary>
    public static FileConversationStore Conversations(string directory) =>
        new(OpenHandsPaths.ConversationsDirectory(null, directory, static _ => null));

    /// <summary>
    /// Writes the documents as files, conversations through <see cref="Conversations"/>; with <paramref name="overwrite"/>
    /// the stored files (and conversations) that are not in them go first.
    /// </summary>
    public static async Task WriteAsync(string directory, StoreDocuments documents, bool overwrite, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var conversations = Conversations(directory);
        var held = Directory.Exists(conversations.Directory) ? await conversations.ListAsync(cancellationToken).ConfigureAwait(false) : [];
        if ((!Read(directory).IsEmpty || held.Count > 0) && !overwrite)
        {
            throw CliException.Usage(
                $"{directory} already holds profiles, connections, settings, agent profiles or conversations: nothing was written. Pass --overwrite to replace them.");
        }

        foreach (var id in held)
        {
            await conversations.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        }

        var profiles = Path.Combine(directory, ProfilesFolder);
        var agents = Path.Combine(directory, AgentProfileStore.FolderName);
        Clear(profiles);
        Clear(agents);
        foreach (var file in new[] { Path.Combine(directory, SettingsStore.FileName), ConnectionsPath(directory) })
        {
            if (File.Exists(file))
            {
                File.Delete(file);
            }
        }

        WriteFolder(profiles, documents.LlmProfiles);
        WriteFolder(agents, documents.AgentProfiles);
        if (documents.Settings is { } settings)
        {
            AtomicFile.EnsureDirectory(directory);
            AtomicFile.Write(Path.Combine(directory, SettingsStore.FileName), Encoding.UTF8.GetBytes(settings), flushToDisk: true);
        }

        if (documents.ProviderConnections.Count > 0)
        {
            AtomicFile.EnsureDirectory(Path.Combine(directory, ConnectionsFolder));
            AtomicFile.Write(ConnectionsPath(directory), ConnectionsBytes(documents.ProviderConnections), flushToDisk: true);
        }

        ConversationDocuments.WriteAll(conversations, documents.Conversations, progress);
    }

    /// <summary>Checks every document before the first write: a profile, settings or agent profile that does not load stops the copy.</summary>
    public static void Validate(StoreDocuments documents, string source)
    {
        foreach (var (name, document) in documents.LlmProfiles)
        {
            LlmJson.ReadProfileSummary(Encoding.UTF8.GetBytes(document), ProfileName.Create(name), $"{source}: LLM profile '{name}'");
        }

        if (documents.Settings is { } settings)
        {
            SettingsJson.ReadDocument(Encoding.UTF8.GetBytes(settings), $"{source}: settings");
        }

        foreach (var (name, document) in documents.AgentProfiles)
        {
            try
            {
                AgentProfile.Parse(document, ProfileName.Create(name));
            }
            catch (InvalidAgentProfileException e)
            {
                throw new CliException($"{source}: agent profile '{name}' is invalid: {e.Message}. Fix or delete it, then copy again; nothing was written.", e);
            }
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in documents.ProviderConnections)
        {
            if (c.Id.Length == 0 || !ids.Add(c.Id) || c.DisplayName.Length == 0 || c.Provider.Length == 0)
            {
                throw new CliException($"{source}: provider connection '{c.Id}' is invalid (empty or repeated id, or empty name or provider); nothing was written.");
            }
        }
    }

    private static string ConnectionsPath(string directory) => Path.Combine(directory, ConnectionsFolder, ProviderConnectionStore.FileName);

    /// <summary>The <c>*.json</c> files whose stem is a profile name in its canonical form (the stores ignore the others).</summary>
    private static Dictionary<string, string> ReadFolder(string folder)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return result;
        }

        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            var stem = Path.GetFileNameWithoutExtension(path);
            if (ProfileName.TryCreate(stem, out var name) && name.Value == stem)
            {
                result[stem] = File.ReadAllText(path, Encoding.UTF8);
            }
        }

        return result;
    }

    private static void WriteFolder(string folder, IReadOnlyDictionary<string, string> documents)
    {
        if (documents.Count == 0)
        {
            return;
        }

        AtomicFile.EnsureDirectory(folder);
        foreach (var (name, document) in documents)
        {
            AtomicFile.Write(Path.Combine(folder, ProfileName.Create(name).FileName), Encoding.UTF8.GetBytes(document), flushToDisk: true);
        }
    }

    private static void Clear(string folder)
    {
        foreach (var name in ReadFolder(folder).Keys)
        {
            File.Delete(Path.Combine(folder, ProfileName.Create(name).FileName));
        }
    }

    private static List<StoredProviderConnection> ReadConnections(string path)
    {
        ProviderConnectionsFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllBytes(path), CliJsonContext.Default.ProviderConnectionsFile);
        }
        catch (JsonException e)
        {
            throw new CliException($"{path} is not a provider connections file ({e.Message}); nothing was written.", e);
        }

        if (file is null)
        {
            throw new CliException($"{path} is not a provider connections file; nothing was written.");
        }

        var result = new List<StoredProviderConnection>();
        foreach (var entry in file.Connections ?? [])
        {
            result.Add(entry?.ToStored() ?? throw new CliException($"{path}: every entry of 'connections' must be an object; nothing was written."));
        }

        return result;
    }

    /// <summary>The file the provider connection store writes (schema version 1), keys as stored.</summary>
    private static byte[] ConnectionsBytes(IReadOnlyList<StoredProviderConnection> connections) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new ProviderConnectionsFile { Connections = [.. connections.Select(ProviderConnectionEntry.From)] },
            CliJsonContext.Default.ProviderConnectionsFile);
}
