using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Persistence;
using Spectre.Console;

namespace OpenHands.Cli;

/// <summary>
/// <c>openhands conversations list | show | delete</c>: the conversations of <c>openhands run</c> under
/// <c>&lt;home&gt;/conversations</c>. Listing and showing only read (a damaged file is reported, never rewritten).
/// </summary>
internal static class ConversationsCommands
{
    private const int TitleLength = 60;

    public static Command Create(CliIo io, Option<string?> home)
    {
        var json = new Option<bool>("--json") { Description = "Write JSON instead of text (show: one event per line)." };
        var conversations = new Command("conversations", CliHelp.With(
            "List, show and delete the conversations of 'openhands run' (kept in <home>/conversations).",
            "openhands conversations list", "openhands conversations show 0f3c...e1", "openhands conversations delete 0f3c...e1"));

        var list = new Command("list", CliHelp.With(
            "List the conversations, newest first: id, status, profile, last activity and the first message.",
            "openhands conversations list", "openhands conversations list --json")) { json };
        list.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => ListAsync(h, io, parse.GetValue(json), ct), cancellationToken: ct));

        var showId = new Argument<string>("ID") { Description = "The conversation id (printed by 'openhands run' and 'conversations list')." };
        var show = new Command("show", CliHelp.With(
            "Show one conversation: its state and every event ('--json': the events as the SDK serializes them, one per line).",
            "openhands conversations show 0f3c...e1", "openhands conversations show 0f3c...e1 --json | jq .kind")) { showId, json };
        show.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => ShowAsync(h, io, parse.GetValue(showId)!, parse.GetValue(json), ct), cancellationToken: ct));

        var deleteId = new Argument<string>("ID") { Description = "The conversation to delete, with its events." };
        var delete = new Command("delete", CliHelp.With(
            "Delete a conversation's folder (its state and events). The workspace files the agent wrote are kept.",
            "openhands conversations delete 0f3c...e1")) { deleteId };
        delete.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => DeleteAsync(h, io, parse.GetValue(deleteId)!, ct), cancellationToken: ct));

        conversations.Add(list);
        conversations.Add(show);
        conversations.Add(delete);
        return conversations;
    }

    private static async Task<int> ListAsync(CliHome home, CliIo io, bool json, CancellationToken ct)
    {
        var factory = Factory(home);
        var rows = new List<Summary>();
        foreach (var id in await factory.ListPersistedAsync(ct))
        {
            rows.Add(await ReadAsync(home, id, ct));
        }

        rows.Sort((a, b) => b.LastActivity.CompareTo(a.LastActivity));
        if (json)
        {
            var array = new JsonArray();
            foreach (var r in rows)
            {
                array.Add((JsonNode)new JsonObject
                {
                    ["id"] = r.Id.ToString("N"),
                    ["status"] = r.Status,
                    ["profile"] = r.Profile,
                    ["model"] = r.Model,
                    ["events"] = r.Events,
                    ["last_activity"] = r.LastActivity.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    ["title"] = r.Title,
                    ["damaged"] = r.Damaged,
                });
            }

            io.Out.WriteLine(new JsonObject { ["conversations"] = array }.ToJsonString());
            return ExitCodes.Ok;
        }

        if (rows.Count == 0)
        {
            io.Line($"No conversations in {home.ConversationsDirectory}. Start one with: openhands run \"TASK\"");
            return ExitCodes.Ok;
        }

        foreach (var r in rows)
        {
            var line = $"{r.Id:N}  {r.Status,-22} {r.LastActivity.ToLocalTime():yyyy-MM-dd HH:mm}  {r.Profile ?? "(no profile)"}  {r.Title}{(r.Damaged ? "  [damaged]" : string.Empty)}";
            io.Line(line, Markup.Escape(line));
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> ShowAsync(CliHome home, CliIo io, string idText, bool json, CancellationToken ct)
    {
        var id = ParseId(idText);
        var stored = await StoredConversation.ReadAsync(home.ConversationsDirectory, id, ct);
        if (json)
        {
            foreach (var e in stored.Events)
            {
                io.Out.WriteLine(EventJson.ToJson(e));
            }

            return ExitCodes.Ok;
        }

        var state = stored.State;
        io.Line($"Conversation {id:N}");
        io.Line($"  status:    {EventJson.StatusName(state.ExecutionStatus)}");
        io.Line($"  profile:   {state.LlmProfile?.ToString() ?? "(none)"} ({state.LlmSnapshot.Model})");
        io.Line($"  workspace: {state.WorkingDirectory}");
        io.Line($"  folder:    {stored.Directory}");
        io.Line($"  events:    {stored.Events.Count}");
        foreach (var damage in stored.Damage)
        {
            io.Line($"  damaged:   {damage}");
        }

        var printer = new EventPrinter(io);
        foreach (var e in stored.Events)
        {
            printer.Print(e);
        }

        io.Line($"Continue it with: openhands run --resume {id:N}");
        return ExitCodes.Ok;
    }

    private static Task<int> DeleteAsync(CliHome home, CliIo io, string idText, CancellationToken ct)
    {
        var id = ParseId(idText);
        ct.ThrowIfCancellationRequested();
        if (!StoredConversation.Exists(home.ConversationsDirectory, id))
        {
            throw NotFound(home, id);
        }

        var folder = StoredConversation.FolderFor(home.ConversationsDirectory, id);
        Directory.Delete(folder, recursive: true);
        io.Line($"Deleted conversation {id:N} ({folder}).");
        return Task.FromResult(ExitCodes.Ok);
    }

    private static async Task<Summary> ReadAsync(CliHome home, Guid id, CancellationToken ct)
    {
        var stored = await StoredConversation.ReadAsync(home.ConversationsDirectory, id, ct);
        var state = stored.State;
        var first = stored.Events.OfType<MessageEvent>().FirstOrDefault(m => m.Source == EventSource.User)?.Text ?? string.Empty;
        var title = first.ReplaceLineEndings(" ");
        if (title.Length > TitleLength)
        {
            title = title[..(TitleLength - 3)] + "...";
        }

        var last = stored.Events.Count > 0 ? stored.Events[^1].Timestamp : Directory.GetLastWriteTimeUtc(stored.Directory);
        return new Summary(id, EventJson.StatusName(state.ExecutionStatus), state.LlmProfile?.ToString(), state.LlmSnapshot.Model,
            stored.Events.Count, last, title, stored.Damage.Count > 0);
    }

    private static Guid ParseId(string text) => Guid.TryParse(text, out var id)
        ? id
        : throw CliException.Usage($"'{text}' is not a conversation id. Fix: pass an id from 'openhands conversations list' (32 hex digits).");

    private static CliException NotFound(CliHome home, Guid id) =>
        CliException.Usage($"conversation {id:N} was not found in {home.ConversationsDirectory}. Fix: pick an id from 'openhands conversations list'.");

    private static ConversationFactory Factory(CliHome home) => new(new ConversationFactoryOptions
    {
        PersistenceDirectory = home.ConversationsDirectory,
        ProfileStore = home.Profiles,
        Resolver = home.Resolver,
    });

    private sealed record Summary(Guid Id, string Status, string? Profile, string Model, int Events, DateTimeOffset LastActivity, string Title, bool Damaged);
}
