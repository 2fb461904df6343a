using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using Spectre.Console;

namespace OpenHands.Cli;

/// <summary><c>openhands profiles list | show | add | remove | rename | activate</c>.</summary>
internal static class ProfilesCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(CliIo io, Option<string?> home)
    {
        var json = new Option<bool>("--json") { Description = "Write JSON instead of text." };
        var profiles = new Command("profiles", CliHelp.With("Manage LLM profiles: the one place where models, endpoints and API keys are kept.", "openhands profiles list", "echo \"$OPENAI_API_KEY\" | openhands profiles add fast --model openai/gpt-4o-mini --api-key-stdin", "openhands profiles activate fast"));

        var list = new Command("list", CliHelp.With("List the profiles; the active one is marked with *.", "openhands profiles list", "openhands profiles list --json")) { json };
        list.SetAction((parse, ct) => WithHome(io, parse, home, h => ListAsync(h, io, parse.GetValue(json), ct), cancellationToken: ct));

        var showName = new Argument<string>("NAME") { Description = "The profile." };
        var reveal = new Option<bool>("--reveal") { Description = "Print secrets (the API key) in plaintext. Without it they print as **********." };
        var show = new Command("show", CliHelp.With("Show one profile. Secrets stay hidden unless --reveal is given.", "openhands profiles show fast", "openhands profiles show fast --json")) { showName, json, reveal };
        show.SetAction((parse, ct) => WithHome(io, parse, home, h => ShowAsync(h, io, parse.GetValue(showName)!, parse.GetValue(json), parse.GetValue(reveal), ct), cancellationToken: ct));

        var addName = new Argument<string>("NAME") { Description = "The new profile's name (letters, digits, '.', '_', '-')." };
        var model = new Option<string>("--model") { Description = "The model with its provider prefix, e.g. openai/gpt-4o-mini.", Required = true };
        var baseUrl = new Option<string?>("--base-url") { Description = "An OpenAI-compatible endpoint, e.g. http://127.0.0.1:4000/v1." };
        var keyStdin = new Option<bool>("--api-key-stdin") { Description = "Read the API key from stdin (first line). Without it a terminal prompts for the key without echo." };
        var force = new Option<bool>("--force") { Description = "Replace a profile of the same name." };
        var add = new Command("add", CliHelp.With("Create a profile. The key is prompted for without echo, or read with --api-key-stdin.", "openhands profiles add fast --model openai/gpt-4o-mini", "echo \"$KEY\" | openhands profiles add proxy --model litellm_proxy/claude-sonnet --base-url http://127.0.0.1:4000 --api-key-stdin", "openhands profiles add local --model ollama/llama3")) { addName, model, baseUrl, keyStdin, force };
        add.SetAction((parse, ct) => WithHome(io, parse, home, h => AddAsync(
            h, io, parse.GetValue(addName)!, parse.GetValue(model)!, parse.GetValue(baseUrl), parse.GetValue(keyStdin), parse.GetValue(force), ct), cancellationToken: ct));

        var removeName = new Argument<string>("NAME") { Description = "The profile to delete." };
        var remove = new Command("remove", CliHelp.With("Delete a profile (and clear it as the active profile).", "openhands profiles remove old")) { removeName };
        remove.SetAction((parse, ct) => WithHome(io, parse, home, h => RemoveAsync(h, io, parse.GetValue(removeName)!, ct), cancellationToken: ct));

        var oldName = new Argument<string>("OLD") { Description = "The current name." };
        var newName = new Argument<string>("NEW") { Description = "The new name." };
        var rename = new Command("rename", CliHelp.With("Rename a profile (the active pointer follows).", "openhands profiles rename fast gpt4o-mini")) { oldName, newName };
        rename.SetAction((parse, ct) => WithHome(io, parse, home, h => RenameAsync(h, io, parse.GetValue(oldName)!, parse.GetValue(newName)!, ct), cancellationToken: ct));

        var activateName = new Argument<string>("NAME") { Description = "The profile to make active." };
        var activate = new Command("activate", CliHelp.With("Make a profile the active one (settings.json keeps only the name).", "openhands profiles activate fast")) { activateName };
        activate.SetAction((parse, ct) => WithHome(io, parse, home, h => ActivateAsync(h, io, parse.GetValue(activateName)!, ct), cancellationToken: ct));

        profiles.Add(list);
        profiles.Add(show);
        profiles.Add(add);
        profiles.Add(remove);
        profiles.Add(rename);
        profiles.Add(activate);
        return profiles;
    }

    /// <summary>Opens the home, runs the legacy-settings migration first (unless the command is that migration), then the action.</summary>
    internal static async Task<int> WithHome(
        CliIo io, ParseResult parse, Option<string?> home, Func<CliHome, Task<int>> action, bool migrateFirst = true, CancellationToken cancellationToken = default)
    {
        await using var h = CliHome.Open(parse.GetValue(home), io);
        if (migrateFirst)
        {
            await h.MigrateLegacySettingsAsync(cancellationToken);
        }

        return await action(h);
    }

    private static async Task<int> ListAsync(CliHome home, CliIo io, bool json, CancellationToken ct)
    {
        var active = await home.GetActiveProfileAsync(ct);
        var summaries = await home.Profiles.ListSummariesAsync(ct);
        if (json)
        {
            var array = new JsonArray();
            foreach (var s in summaries)
            {
                array.Add((JsonNode)new JsonObject
                {
                    ["name"] = s.Name.Value,
                    ["model"] = s.Model,
                    ["base_url"] = s.BaseUrl,
                    ["provider_connection_id"] = s.ProviderConnectionId,
                    ["api_key_set"] = s.ApiKeySet,
                    ["active"] = s.Name == active,
                });
            }

            io.Out.WriteLine(new JsonObject { ["active_profile"] = active?.Value, ["profiles"] = array }.ToJsonString(Indented));
            return ExitCodes.Ok;
        }

        if (summaries.Count == 0)
        {
            io.Line($"No profiles in {home.ProfilesDirectory}. Create one with: openhands profiles add NAME --model MODEL");
            return ExitCodes.Ok;
        }

        if (io.Terminal is { } terminal)
        {
            var table = new Table().AddColumns("", "NAME", "MODEL", "BASE URL", "API KEY");
            foreach (var s in summaries)
            {
                table.AddRow(s.Name == active ? "[green]*[/]" : "", Markup.Escape(s.Name.Value), Markup.Escape(s.Model ?? "?"),
                    Markup.Escape(s.BaseUrl ?? "-"), s.ApiKeySet ? "set" : "[grey]not set[/]");
            }

            terminal.Write(table);
            return ExitCodes.Ok;
        }

        var rows = summaries.Select(s => new[] { s.Name == active ? "*" : " ", s.Name.Value, s.Model ?? "?", s.BaseUrl ?? "-", s.ApiKeySet ? "set" : "not set" }).ToList();
        rows.Insert(0, [" ", "NAME", "MODEL", "BASE URL", "API KEY"]);
        var widths = Enumerable.Range(0, 5).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            io.Out.WriteLine(string.Join("  ", row.Select((cell, i) => i == 4 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> ShowAsync(CliHome home, CliIo io, string nameText, bool json, bool reveal, CancellationToken ct)
    {
        var name = ProfileName.Create(nameText);
        var llm = await home.Profiles.LoadAsync(name, ct);
        var active = await home.GetActiveProfileAsync(ct) == name;
        var fields = Serialize(llm, reveal ? SecretExposure.Plaintext : SecretExposure.Redacted);
        if (json)
        {
            var o = new JsonObject
            {
                ["name"] = name.Value,
                ["active"] = active,
                ["path"] = home.ProfilePath(name),
                ["llm"] = fields,
            };
            io.Out.WriteLine(o.ToJsonString(Indented));
            return ExitCodes.Ok;
        }

        io.Line($"profile: {name}{(active ? " (active)" : "")}", $"[bold]profile:[/] {Markup.Escape(name.Value)}{(active ? " [green](active)[/]" : "")}");
        io.Line($"file: {home.ProfilePath(name)}");

        // Text shows what this profile sets: the model, endpoint and key, and every field that differs from the default.
        var defaults = Serialize(new Llm(llm.Model), SecretExposure.Redacted);
        foreach (var (key, value) in fields)
        {
            if (key == "schema_version" || value is null || value is JsonObject { Count: 0 }
                || (key is not ("model" or "base_url" or "api_key") && JsonNode.DeepEquals(value, defaults[key])))
            {
                continue;
            }

            var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value.ToJsonString();
            if (!reveal && text == SecretString.Redacted)
            {
                text += " (hidden; --reveal prints it)";
            }

            io.Line($"{key}: {text}", $"[grey]{Markup.Escape(key)}:[/] {Markup.Escape(text)}");
        }

        if (llm.ApiKey is null && string.IsNullOrEmpty(llm.ProviderConnectionId))
        {
            io.Line("api_key: not set");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> AddAsync(CliHome home, CliIo io, string nameText, string model, string? baseUrl, bool keyFromStdin, bool force, CancellationToken ct)
    {
        var name = ProfileName.Create(nameText);
        if (string.IsNullOrWhiteSpace(model))
        {
            throw CliException.Usage("--model must not be empty. Fix: --model openai/gpt-4o-mini (provider prefix, then the model).");
        }

        if (!force && await home.Profiles.ExistsAsync(name, ct))
        {
            throw new ProfileAlreadyExistsException(name);
        }

        string? key;
        if (keyFromStdin)
        {
            key = (await io.In.ReadLineAsync(ct))?.Trim();
        }
        else if (io.InputIsTerminal)
        {
            key = PromptSecret(io, $"API key for '{name}' (input hidden; empty for none): ");
        }
        else
        {
            key = null;
            io.Note("note: no API key stored: stdin is not a terminal and --api-key-stdin was not given. To store one: " + CliHints.AddKey(name.Value, model, baseUrl));
        }

        var llm = new Llm(model) { BaseUrl = string.IsNullOrWhiteSpace(baseUrl) ? null : baseUrl, ApiKey = SecretString.FromNullable(string.IsNullOrEmpty(key) ? null : key) };
        await home.Profiles.SaveAsync(name, llm, cancellationToken: ct);
        io.Line($"Saved profile '{name}' ({model}{(llm.ApiKey is null ? ", no API key" : ", API key stored")}) in {home.ProfilePath(name)}.");
        if (await home.GetActiveProfileAsync(ct) is not { } active || !await home.Profiles.ExistsAsync(active, ct))
        {
            await home.Settings.ActivateProfileAsync(name, ct);
            io.Line($"Activated '{name}' (no profile was active).");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> RemoveAsync(CliHome home, CliIo io, string nameText, CancellationToken ct)
    {
        var name = ProfileName.Create(nameText);
        if (!await home.Profiles.DeleteAsync(name, ct))
        {
            throw new ProfileNotFoundException(name, await home.Profiles.ListAsync(ct));
        }

        io.Line($"Removed profile '{name}'.");
        if (await home.GetActiveProfileAsync(ct) == name)
        {
            await home.Settings.UpdateAsync(s => s with { ActiveProfile = null }, ct);
            io.Line($"No profile is active now. Fix: openhands profiles activate NAME");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> RenameAsync(CliHome home, CliIo io, string oldText, string newText, CancellationToken ct)
    {
        var from = ProfileName.Create(oldText);
        var to = ProfileName.Create(newText);
        await home.Profiles.RenameAsync(from, to, ct);
        io.Line($"Renamed profile '{from}' to '{to}'.");
        if (await home.GetActiveProfileAsync(ct) == from)
        {
            await home.Settings.ActivateProfileAsync(to, ct);
            io.Line($"Active profile: {to}.");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> ActivateAsync(CliHome home, CliIo io, string nameText, CancellationToken ct)
    {
        var name = ProfileName.Create(nameText);
        await home.Settings.ActivateProfileAsync(name, ct);
        io.Line($"Active profile: {name}.");
        return ExitCodes.Ok;
    }

    private static JsonObject Serialize(Llm llm, SecretExposure exposure) =>
        JsonNode.Parse(LlmJson.ToProfileDocument(llm, exposure))!.AsObject();

    /// <summary>Reads a line from the terminal without echoing it.</summary>
    internal static string PromptSecret(CliIo io, string prompt)
    {
        io.Error.Write(prompt);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        io.Error.WriteLine();
        return text.ToString().Trim();
    }
}
