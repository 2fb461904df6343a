using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Cli;

/// <summary>
/// <c>openhands migrate</c>: moves every LLM found in the Python CLI's files into profiles and rewrites the files
/// with references only. Everything is read and checked before anything is written; each original is backed up once.
/// Profile names come from the SDK's one policy (<see cref="ProfileMaterializer"/>) and a legacy <c>settings.json</c> goes
/// through the SDK's one migration (<see cref="Sdk.Settings.SettingsStore.MigrateLegacyAsync"/>), as in every other command.
/// </summary>
internal sealed class Migrator(CliHome home, CliIo io)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private string AgentPath => Path.Combine(home.Directory, LegacyFiles.AgentSettingsFileName);

    private string SettingsPath => home.SettingsPath;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var agent = ReadJson(AgentPath);
        var settings = ReadJson(SettingsPath);
        var migrateAgent = LegacyFiles.AgentHasLlm(agent);
        var migrateSettings = LegacyFiles.SettingsHasEmbeddedLlm(settings);
        if (!migrateAgent && !migrateSettings)
        {
            io.Line($"Nothing to migrate: no LLM settings outside profiles in {home.Directory} (checked {LegacyFiles.AgentSettingsFileName} and settings.json). Nothing was changed.");
            return ExitCodes.Ok;
        }

        // Decode every legacy LLM first: a bad key or a broken file stops the migration before any write.
        var agentObject = agent as JsonObject;
        var agentLlm = migrateAgent && agentObject!["llm"] is JsonObject a ? Decode(a, AgentPath, "llm") : null;
        var condenserLlm = migrateAgent && agentObject!["condenser"] is JsonObject { } c && c["llm"] is JsonObject cl
            ? Decode(cl, AgentPath, "condenser.llm") : null;
        if (migrateSettings)
        {
            Decode((JsonObject)settings!["agent_settings"]!["llm"]!, SettingsPath, "agent_settings.llm");
        }

        var activeBefore = await ExistingActiveProfileAsync(settings, cancellationToken);

        if (migrateAgent)
        {
            Backup(AgentPath);
        }

        ProfileName? agentTarget = null;
        if (migrateAgent)
        {
            agentTarget = await MigrateAgentAsync(agentObject!, agentLlm, condenserLlm, cancellationToken);
        }

        if (migrateSettings && await home.Settings.MigrateLegacyAsync(cancellationToken) is { } migration)
        {
            io.Line(migration.ToString());
            io.Line($"Rewrote settings.json without any LLM (other settings kept; active profile: {migration.ActiveProfile}).");
        }

        if (agentTarget is { } target && activeBefore is null)
        {
            await home.Settings.ActivateProfileAsync(target, cancellationToken);
        }

        var active = (await home.Settings.LoadAsync(cancellationToken)).ActiveProfile;
        io.Line($"Active profile: {active?.ToString() ?? "none"}. Keys now live only in {home.ProfilesDirectory}.");
        return ExitCodes.Ok;
    }

    private async Task<ProfileName> MigrateAgentAsync(JsonObject agent, Llm? llm, Llm? condenserLlm, CancellationToken cancellationToken)
    {
        ProfileName target = ProfileName.Default;
        if (llm is not null)
        {
            target = (await home.Materializer.MaterializeAsync(llm, cancellationToken: cancellationToken)).Name;
            io.Line($"Moved the LLM of {LegacyFiles.AgentSettingsFileName} ({llm.Model}) into profile '{target}'.");
            WarnIfRedacted((JsonObject)agent["llm"]!, target, llm.Model);
            var index = agent.IndexOf("llm");
            agent.Remove("llm");
            agent.Insert(index, "llm_profile", target.Value);
        }

        if (agent["condenser"] is JsonObject condenser && condenserLlm is not null)
        {
            // The same policy: a condenser LLM equal to the agent's lands in the same profile, another one in its own.
            var name = (await home.Materializer.MaterializeAsync(condenserLlm, cancellationToken: cancellationToken)).Name;
            io.Line($"Moved the condenser's LLM ({condenserLlm.Model}) into profile '{name}'.");
            var index = condenser.IndexOf("llm");
            condenser.Remove("llm");
            condenser.Insert(index, "llm_profile", name.Value);
        }

        AtomicFile.Write(AgentPath, Encoding.UTF8.GetBytes(agent.ToJsonString(Indented) + "\n"), flushToDisk: true);
        io.Line($"Rewrote {LegacyFiles.AgentSettingsFileName} without any LLM: it now names profile '{target}' (\"llm_profile\").");
        return target;
    }

    private void WarnIfRedacted(JsonObject llm, ProfileName profile, string model)
    {
        if (llm["api_key"] is JsonValue v && v.TryGetValue<string>(out var key) && key == SecretString.Redacted)
        {
            io.Note($"note: the API key in {LegacyFiles.AgentSettingsFileName} was redacted ({SecretString.Redacted}), so profile '{profile}' has none. Fix: {CliHints.AddKey(profile.Value, model, llm["base_url"] is JsonValue b && b.TryGetValue<string>(out var baseUrl) ? baseUrl : null)}");
        }
    }

    private Llm Decode(JsonObject llm, string path, string field)
    {
        var element = JsonElement.Parse(llm.ToJsonString());
        try
        {
            return LlmJson.Read(element, home.Cipher, $"{path} ({field})");
        }
        catch (InvalidProfileException ex)
        {
            throw CliException.Usage($"{path}: '{field}' is not a valid LLM ({ex.InnerException?.Message ?? ex.Message}). Fix: correct the file; nothing was changed.");
        }
    }

    private async Task<ProfileName?> ExistingActiveProfileAsync(JsonNode? settings, CancellationToken cancellationToken)
    {
        if (settings is JsonObject o && o["active_profile"] is JsonValue v && v.TryGetValue<string>(out var text)
            && ProfileName.TryCreate(text, out var name) && await home.Profiles.ExistsAsync(name, cancellationToken))
        {
            return name;
        }

        return null;
    }

    private void Backup(string path)
    {
        var backup = BackupFile.Create(path, File.ReadAllBytes(path));
        io.Line($"Backed up {Path.GetFileName(path)} to {backup} (mode 0600).");
    }

    private static JsonNode? ReadJson(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw CliException.Usage($"{path} is not valid JSON ({ex.Message}). Fix: repair it or move it aside; nothing was changed.");
        }
    }
}
