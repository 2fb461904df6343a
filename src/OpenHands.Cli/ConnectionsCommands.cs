using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Cli;

/// <summary>
/// <c>openhands connections list | add | set-key | remove</c>: provider connections, the shared keys LLM profiles link
/// to with <c>provider_connection_id</c>. Keys are prompted for without echo or read from stdin, never taken as arguments.
/// </summary>
internal static class ConnectionsCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(CliIo io, Option<string?> home)
    {
        var json = new Option<bool>("--json") { Description = "Write JSON instead of text." };
        var keyStdin = new Option<bool>("--api-key-stdin") { Description = "Read the API key from stdin (first line). Without it a terminal prompts for the key without echo." };
        var connections = new Command("connections", "Manage provider connections: one API key and base URL shared by many LLM profiles, read each time a linked profile is used.");

        var list = new Command("list", "List the connections (never their keys).") { json };
        list.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => ListAsync(h, io, parse.GetValue(json), ct), cancellationToken: ct));

        var displayName = new Option<string>("--display-name") { Description = "The connection's name, e.g. \"Anthropic Work\".", Required = true };
        var provider = new Option<string?>("--provider") { Description = "The provider (free text, e.g. anthropic). Default: custom." };
        var baseUrl = new Option<string?>("--base-url") { Description = "The base URL every linked profile uses." };
        var add = new Command("add", "Create a connection; prints its id. Link a profile to it with provider_connection_id.") { displayName, provider, baseUrl, keyStdin };
        add.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => AddAsync(
            h, io, parse.GetValue(displayName)!, parse.GetValue(provider), parse.GetValue(baseUrl), parse.GetValue(keyStdin), ct), cancellationToken: ct));

        var setKeyId = new Argument<string>("ID") { Description = "The connection." };
        var setKey = new Command("set-key", "Replace a connection's key; every linked profile uses the new key from its next start.") { setKeyId, keyStdin };
        setKey.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => SetKeyAsync(h, io, parse.GetValue(setKeyId)!, parse.GetValue(keyStdin), ct), cancellationToken: ct));

        var removeId = new Argument<string>("ID") { Description = "The connection to delete." };
        var remove = new Command("remove", "Delete a connection no profile links to.") { removeId };
        remove.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => RemoveAsync(h, io, parse.GetValue(removeId)!, ct), cancellationToken: ct));

        connections.Add(list);
        connections.Add(add);
        connections.Add(setKey);
        connections.Add(remove);
        return connections;
    }

    private static async Task<int> ListAsync(CliHome home, CliIo io, bool json, CancellationToken ct)
    {
        var items = await home.Connections.ListAsync(ct);
        if (json)
        {
            var array = new JsonArray();
            foreach (var c in items)
            {
                array.Add((JsonNode)new JsonObject
                {
                    ["id"] = c.Id,
                    ["display_name"] = c.DisplayName,
                    ["provider"] = c.Provider,
                    ["base_url"] = c.BaseUrl,
                    ["api_key_set"] = c.ApiKeySet,
                });
            }

            io.Out.WriteLine(array.ToJsonString(Indented));
            return ExitCodes.Ok;
        }

        if (items.Count == 0)
        {
            io.Line("No provider connections. Create one with: openhands connections add --display-name NAME --provider PROVIDER");
            return ExitCodes.Ok;
        }

        foreach (var c in items)
        {
            io.Out.WriteLine($"{c.Id}  {c.DisplayName}  {c.Provider}  {c.BaseUrl ?? "-"}  {(c.ApiKeySet ? "key set" : "no key")}");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> AddAsync(CliHome home, CliIo io, string displayName, string? provider, string? baseUrl, bool keyStdin, CancellationToken ct)
    {
        var key = await ReadKeyAsync(io, keyStdin, $"API key for '{displayName}' (input hidden): ", ct);
        var created = await home.Connections.CreateAsync(
            displayName, string.IsNullOrWhiteSpace(provider) ? ProviderConnection.DefaultProvider : provider, key, string.IsNullOrWhiteSpace(baseUrl) ? null : baseUrl, ct);
        io.Out.WriteLine(created.Id);
        io.Note($"Saved provider connection '{created.DisplayName}' ({created.Id}). Link a profile to it with \"provider_connection_id\": \"{created.Id}\".");
        return ExitCodes.Ok;
    }

    private static async Task<int> SetKeyAsync(CliHome home, CliIo io, string id, bool keyStdin, CancellationToken ct)
    {
        if (await home.Connections.GetAsync(id, ct) is null)
        {
            throw new ProviderConnectionNotFoundException(id, profile: null);
        }

        var key = await ReadKeyAsync(io, keyStdin, $"New API key for '{id}' (input hidden): ", ct);
        await home.Connections.UpdateAsync(id, c => c with { ApiKey = key }, ct);
        io.Line($"Replaced the key of provider connection '{id}'; linked profiles use it from their next start.");
        return ExitCodes.Ok;
    }

    private static async Task<int> RemoveAsync(CliHome home, CliIo io, string id, CancellationToken ct)
    {
        var deleted = await home.Connections.DeleteAsync(id, ct);
        io.Line($"Deleted provider connection '{deleted.DisplayName}' ({deleted.Id}).");
        return ExitCodes.Ok;
    }

    /// <summary>A key from stdin or a no-echo prompt; a blank one is refused (a connection's key is rotated, never cleared).</summary>
    private static async Task<SecretString> ReadKeyAsync(CliIo io, bool fromStdin, string prompt, CancellationToken ct)
    {
        string? key;
        if (fromStdin)
        {
            key = (await io.In.ReadLineAsync(ct))?.Trim();
        }
        else if (io.InputIsTerminal)
        {
            key = ProfilesCommands.PromptSecret(io, prompt);
        }
        else
        {
            throw new CliException("no API key: stdin is not a terminal and --api-key-stdin was not given. Fix: echo KEY | openhands connections ... --api-key-stdin", ExitCodes.Usage);
        }

        return SecretString.FromNullable(string.IsNullOrWhiteSpace(key) ? null : key)
            ?? throw new CliException("the API key is empty. Fix: give a non-empty key.", ExitCodes.Usage);
    }
}
