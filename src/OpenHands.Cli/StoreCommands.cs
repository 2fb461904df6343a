using System.CommandLine;
using OpenHands.Sdk.PostgreSql;

namespace OpenHands.Cli;

/// <summary>
/// <c>openhands store copy --from DIR|URL --to DIR|URL</c>: copies LLM profiles, provider connections, settings and agent
/// profiles between a persistence folder and a PostgreSQL database, as stored (keys stay encrypted: no key is needed).
/// </summary>
internal static class StoreCommands
{
    private const string NotCopied = "Conversations are not copied: they are not kept in the database yet (each instance keeps its own conversations/ folder).";

    public static Command Create(CliIo io)
    {
        var from = new Option<string>("--from") { Description = "The source: a persistence folder, or a postgres:// URL or Npgsql connection string.", Required = true };
        var to = new Option<string>("--to") { Description = "The target: a persistence folder, or a postgres:// URL or Npgsql connection string.", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace what the target holds (without it a non-empty target is refused)." };
        var copy = new Command("copy", $"""
            Copy LLM profiles, provider connections, settings and agent profiles from a folder to a database, or back.
            Documents are copied as stored: secrets stay the Fernet tokens they are (no key needed), unknown JSON fields are kept.
            Everything is checked before the first write; a non-empty target is refused unless --overwrite.
            {NotCopied}
            """) { from, to, overwrite };
        copy.SetAction((parse, ct) => CopyAsync(io, parse.GetValue(from)!, parse.GetValue(to)!, parse.GetValue(overwrite), ct));
        var store = new Command("store", "Move stores between a persistence folder and a PostgreSQL database.") { copy };
        return store;
    }

    private static async Task<int> CopyAsync(CliIo io, string from, string to, bool overwrite, CancellationToken ct)
    {
        var source = Describe(from);
        var target = Describe(to);
        StoreDocuments documents;
        if (IsDatabase(from))
        {
            await using var database = new PostgreSqlDatabase(from);
            documents = await PostgreSqlStoreDocuments.ReadAsync(database, ct);
        }
        else
        {
            var folder = Path.GetFullPath(from, io.CurrentDirectory);
            documents = Directory.Exists(folder) ? FileStoreDocuments.Read(folder) : throw CliException.Usage($"--from: the folder {folder} does not exist.");
        }

        FileStoreDocuments.Validate(documents, source);
        if (IsDatabase(to))
        {
            await using var database = new PostgreSqlDatabase(to);
            try
            {
                await PostgreSqlStoreDocuments.WriteAsync(database, documents, overwrite, ct);
            }
            catch (InvalidOperationException e)
            {
                throw CliException.Usage($"{target}: {e.Message}");
            }
        }
        else
        {
            FileStoreDocuments.Write(Path.GetFullPath(to, io.CurrentDirectory), documents, overwrite);
        }

        io.Line($"Copied {documents.LlmProfiles.Count} LLM profile(s), {documents.ProviderConnections.Count} provider connection(s), "
                + $"{(documents.Settings is null ? "no settings" : "the settings")} and {documents.AgentProfiles.Count} agent profile(s) from {source} to {target}.");
        io.Line(NotCopied);
        return ExitCodes.Ok;
    }

    /// <summary>A <c>postgres://</c> or <c>postgresql://</c> URL, or an Npgsql connection string (<c>key=value;...</c>); anything else is a folder.</summary>
    private static bool IsDatabase(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || (value.Contains('=', StringComparison.Ordinal) && !Directory.Exists(value));

    /// <summary>How the output names a side: a folder by its path, a database without its password.</summary>
    private static string Describe(string value) => IsDatabase(value) ? "the database" : value;
}
