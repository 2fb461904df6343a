using System.CommandLine;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Cli;

/// <summary>
/// <c>openhands agent-profiles list | show | add | remove | rename | activate</c>: agent profiles, the secret-free launch
/// specs that name an LLM profile (<c>llm_profile_ref</c>), kept in <c>&lt;home&gt;/agent-profiles</c> as the Python SDK
/// and the agent server keep them. Activation is a pointer in settings.json (<c>active_agent_profile_id</c>).
/// </summary>
internal static class AgentProfilesCommands
{
    public static Command Create(CliIo io, Option<string?> home)
    {
        var json = new Option<bool>("--json") { Description = "Write JSON instead of text." };
        var agentProfiles = new Command("agent-profiles", CliHelp.With(
            "Manage agent profiles: which agent to launch and the LLM profile it runs on, by name (never an LLM or a key).",
            "openhands agent-profiles add reviewer --llm-profile smart --tool terminal --tool file_editor",
            "openhands agent-profiles activate reviewer",
            "openhands agent-profiles list"));

        var list = new Command("list", CliHelp.With("List the agent profiles; the active one is marked with *.", "openhands agent-profiles list --json")) { json };
        list.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => ListAsync(h, io, parse.GetValue(json), ct), cancellationToken: ct));

        var showName = new Argument<string>("NAME") { Description = "The agent profile." };
        var show = new Command("show", CliHelp.With("Print an agent profile as stored (the Python SDK's JSON; it holds no secret).", "openhands agent-profiles show reviewer")) { showName };
        show.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => ShowAsync(h, io, parse.GetValue(showName)!, ct), cancellationToken: ct));

        var addName = new Argument<string>("NAME") { Description = "The agent profile's name." };
        var llmProfile = new Option<string>("--llm-profile") { Description = "The LLM profile it runs on, by name.", Required = true };
        var tools = new Option<string[]>("--tool") { Description = "A tool to give the agent (repeat for more). Default: the server's default tools.", AllowMultipleArgumentsPerToken = false };
        var force = new Option<bool>("--force") { Description = "Replace an existing agent profile of that name (its id is kept)." };
        var add = new Command("add", CliHelp.With(
            "Create an agent profile that runs on an LLM profile. Exit 2 when the name is taken (unless --force).",
            "openhands agent-profiles add coder --llm-profile fast",
            "openhands agent-profiles add reviewer --llm-profile smart --tool terminal --force")) { addName, llmProfile, tools, force };
        add.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => AddAsync(
            h, io, parse.GetValue(addName)!, parse.GetValue(llmProfile)!, parse.GetValue(tools) ?? [], parse.GetValue(force), ct), cancellationToken: ct));

        var removeName = new Argument<string>("NAME") { Description = "The agent profile to delete." };
        var remove = new Command("remove", CliHelp.With("Delete an agent profile; when it was active, no agent profile is active afterwards.", "openhands agent-profiles remove coder")) { removeName };
        remove.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => RemoveAsync(h, io, parse.GetValue(removeName)!, ct), cancellationToken: ct));

        var renameFrom = new Argument<string>("NAME") { Description = "The current name." };
        var renameTo = new Argument<string>("NEW_NAME") { Description = "The new name." };
        var rename = new Command("rename", CliHelp.With("Rename an agent profile; its id (and so the active pointer) is kept.", "openhands agent-profiles rename coder builder")) { renameFrom, renameTo };
        rename.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => RenameAsync(h, io, parse.GetValue(renameFrom)!, parse.GetValue(renameTo)!, ct), cancellationToken: ct));

        var activateName = new Argument<string>("NAME") { Description = "The agent profile to make active." };
        var activate = new Command("activate", CliHelp.With("Make an agent profile the active one (settings.json keeps its id).", "openhands agent-profiles activate reviewer")) { activateName };
        activate.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => ActivateAsync(h, io, parse.GetValue(activateName)!, ct), cancellationToken: ct));

        agentProfiles.Add(list);
        agentProfiles.Add(show);
        agentProfiles.Add(add);
        agentProfiles.Add(remove);
        agentProfiles.Add(rename);
        agentProfiles.Add(activate);
        return agentProfiles;
    }

    private static IAgentProfileStore Store(CliHome home) => home.AgentProfiles;

    private static async Task<int> ListAsync(CliHome home, CliIo io, bool json, CancellationToken ct)
    {
        var items = await Store(home).ListAsync(ct);
        var active = (await home.Settings.LoadAsync(ct)).ActiveAgentProfileId;
        if (json)
        {
            var array = new JsonArray();
            foreach (var p in items)
            {
                array.Add((JsonNode)new JsonObject
                {
                    ["id"] = p.Id.ToString(),
                    ["name"] = p.Name.Value,
                    ["kind"] = p.Kind.ToString(),
                    ["llm_profile_ref"] = p.LlmProfileRef,
                    ["revision"] = p.Revision,
                });
            }

            io.Out.WriteLine(new JsonObject { ["profiles"] = array, ["active_agent_profile_id"] = active }.ToJsonString(new() { WriteIndented = true }));
            return ExitCodes.Ok;
        }

        if (items.Count == 0)
        {
            io.Line("No agent profiles. Create one with: openhands agent-profiles add NAME --llm-profile LLM_PROFILE");
            return ExitCodes.Ok;
        }

        foreach (var p in items)
        {
            var mark = p.Id.ToString() == active ? "*" : " ";
            io.Out.WriteLine($"{mark} {p.Name}  {p.Kind}  llm: {p.LlmProfileRef ?? "-"}  {p.Id}");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> ShowAsync(CliHome home, CliIo io, string nameText, CancellationToken ct)
    {
        var profile = await Store(home).TryLoadAsync(ProfileName.Create(nameText), ct) ?? throw NotFound(nameText);
        io.Out.WriteLine(profile.ToJson());
        return ExitCodes.Ok;
    }

    private static async Task<int> AddAsync(CliHome home, CliIo io, string nameText, string llmText, string[] toolNames, bool force, CancellationToken ct)
    {
        var name = ProfileName.Create(nameText);
        var llm = ProfileName.Create(llmText);
        var store = Store(home);
        if (!force && await store.TryLoadAsync(name, ct) is not null)
        {
            throw new CliException($"agent profile '{name}' already exists. Fix: choose another name, or pass --force to replace it.", ExitCodes.Usage);
        }

        var saved = await store.SaveAsync(AgentProfile.Create(name, llm, toolNames.Length == 0 ? null : toolNames.Select(t => new ToolSpec(t))), cancellationToken: ct);
        io.Line($"Saved agent profile '{saved.Name}' ({saved.Id}) on LLM profile '{llm}'.");
        if (!await home.Profiles.ExistsAsync(llm, ct))
        {
            io.Note($"LLM profile '{llm}' does not exist yet; a launch fails until it does. Fix: openhands profiles add {llm} --model MODEL");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> RemoveAsync(CliHome home, CliIo io, string nameText, CancellationToken ct)
    {
        var id = await Store(home).DeleteAsync(ProfileName.Create(nameText), ct) ?? throw NotFound(nameText);
        io.Line($"Removed agent profile '{nameText}'.");
        var text = id.ToString();
        if ((await home.Settings.LoadAsync(ct)).ActiveAgentProfileId == text)
        {
            await home.Settings.UpdateAsync(s => s.ActiveAgentProfileId == text ? s with { ActiveAgentProfileId = null } : s, ct);
            io.Line("No agent profile is active now. Fix: openhands agent-profiles activate NAME");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> RenameAsync(CliHome home, CliIo io, string nameText, string newText, CancellationToken ct)
    {
        var renamed = await Store(home).RenameAsync(ProfileName.Create(nameText), ProfileName.Create(newText), ct);
        io.Line($"Renamed agent profile '{nameText}' to '{renamed.Name}' (id {renamed.Id} kept).");
        return ExitCodes.Ok;
    }

    private static async Task<int> ActivateAsync(CliHome home, CliIo io, string nameText, CancellationToken ct)
    {
        var profile = await Store(home).TryLoadAsync(ProfileName.Create(nameText), ct) ?? throw NotFound(nameText);
        var id = profile.Id.ToString();
        await home.Settings.UpdateAsync(s => s with { ActiveAgentProfileId = id }, ct);
        io.Line($"Activated agent profile '{profile.Name}' ({id}).");
        return ExitCodes.Ok;
    }

    private static AgentProfileNotFoundException NotFound(string name) => new($"Agent profile '{name}' not found");
}
