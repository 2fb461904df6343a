using System.CommandLine;
using OpenHands.Sdk;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.PostgreSql;

namespace OpenHands.Cli;

/// <summary>
/// <c>openhands store copy --from DIR|URL --to DIR|URL</c>: copies LLM profiles, provider connections, settings, agent
/// profiles and conversations between a persistence folder and a PostgreSQL database, as stored (keys stay encrypted: no
/// key is needed; conversations go through the conversation store port on both sides).
/// </summary>
internal static class StoreCommands
{
    public static Command Create(CliIo io)
    {
        var from = new Option<string>("--from") { Description = "The source: a persistence folder, or a postgres:// URL or Npgsql connection string.", Required = true };
        var to = new Option<string>("--to") { Description = "The target: a persistence folder, or a postgres:// URL or Npgsql connection string.", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace what the target holds (without it a non-empty target is refused)." };
        var copy = new Command("copy", $"""
            Copy LLM profiles, provider connections, settings, agent profiles and conversations from a folder to a database, or back.
            Documents are copied as stored: secrets stay the Fernet tokens they are (no key needed), unknown JSON fields are kept,
            and a conversation's state, metadata and events keep their bytes. Everything is read and checked before the first
            write (a damaged conversation stops the copy); a non-empty target is refused unless --overwrite.
            """) { from, to, overwrite };
        copy.SetAction((parse, ct) => CopyAsync(io, parse.GetValue(from)!, parse.GetValue(to)!, parse.GetValue(overwrite), ct));
        var store = new Command("store", "Move stores between a persistence folder and a PostgreSQL database.") { copy };
        return store;
    }

    private static async Task<int> CopyAsync(CliIo io, string from, string to, bool overwrite, CancellationToken ct)
    {
        var source = Describe(from);
        var target = Describe(to);
        var read = new Progress(io, "read");
        StoreDocuments documents;
        try
        {
            if (IsDatabase(from))
            {
                await using var database = new PostgreSqlDatabase(from);
                documents = await PostgreSqlStoreDocuments.ReadAsync(database, read, ct);
            }
            else
            {
                var folder = Path.GetFullPath(from, io.CurrentDirectory);
                documents = Directory.Exists(folder) ? FileStoreDocuments.Read(folder) : throw CliException.Usage($"--from: the folder {folder} does not exist.");
                documents = documents with
                {
                    Conversations = await ConversationDocuments.ReadAllAsync(FileStoreDocuments.Conversations(folder), folder, read, ct),
                };
            }
        }
        catch (InvalidConversationException e)
        {
            throw new CliException(e.Message, e);
        }

        FileStoreDocuments.Validate(documents, source);
        var written = new Progress(io, "written");
        if (IsDatabase(to))
        {
            await using var database = new PostgreSqlDatabase(to);
            try
            {
                await PostgreSqlStoreDocuments.WriteAsync(database, documents, overwrite, written, ct);
            }
            catch (InvalidOperationException e)
            {
                throw CliException.Usage($"{target}: {e.Message}");
            }
        }
        else
        {
            await FileStoreDocuments.WriteAsync(Path.GetFullPath(to, io.CurrentDirectory), documents, overwrite, written, ct);
        }

        io.Line($"Copied {documents.LlmProfiles.Count} LLM profile(s), {documents.ProviderConnections.Count} provider connection(s), "
                + $"{(documents.Settings is null ? "no settings" : "the settings")}, {documents.AgentProfiles.Count} agent profile(s) "
                + $"and {documents.Conversations.Count} conversation(s) ({documents.Conversations.Sum(c => c.Events.Count)} events) from {source} to {target}.");
        return ExitCodes.Ok;
    }

    /// <summary>A <c>postgres://</c> or <c>postgresql://</c> URL, or an Npgsql connection string (<c>key=value;...</c>); anything else is a folder.</summary>
    private static bool IsDatabase(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || (value.Contains('=', StringComparison.Ordinal) && !Directory.Exists(value));

    /// <summary>How the output names a side: a folder by its path, a database without its password.</summary>
    private static string Describe(string value) => IsDatabase(value) ? "the database" : value;

    /// <summary>Conversation counts on stderr while a long copy reads and writes (every 100, so stdout stays the one result line).</summary>
    private sealed class Progress(CliIo io, string verb) : IProgress<int>
    {
        public void Report(int value)
        {
            if (value % 100 == 0)
            {
                io.Error.WriteLine($"{value} conversation(s) {verb}...");
            }
        }
    }
}
