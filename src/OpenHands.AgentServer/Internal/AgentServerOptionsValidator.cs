using Microsoft.Extensions.Options;
using OpenHands.Sdk;
using OpenHands.Sdk.PostgreSql;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Checks <see cref="AgentServerOptions"/> when the host starts and reports every problem in one message, each naming
/// the setting (its configuration key, and the environment variable where there is one) and the fix.
/// </summary>
internal sealed class AgentServerOptionsValidator : IValidateOptions<AgentServerOptions>
{
    private const string Section = AgentServerConfiguration.SectionName;

    public ValidateOptionsResult Validate(string? name, AgentServerOptions options)
    {
        var errors = new List<string>(options.ConfigurationErrors);
        for (var i = 0; i < options.SessionApiKeys.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.SessionApiKeys[i]))
            {
                errors.Add($"{Section}:SessionApiKeys:{i} is blank. Fix: give a key, or remove the entry (no key leaves /api open).");
            }
        }

        if (options.SecretKey is { } key && string.IsNullOrWhiteSpace(key))
        {
            errors.Add($"{Section}:SecretKey (or OH_SECRET_KEY) is blank. Fix: give a key, or remove the setting to use the first session key.");
        }

        if (options.DatabaseUrl is { } database)
        {
            try
            {
                PostgreSqlConnectionString.Parse(database, $"{Section}:DatabaseUrl (or {PostgreSqlConnectionString.DatabaseUrlVariable}, {PostgreSqlConnectionString.ConnectionStringKey})");
            }
            catch (InvalidDatabaseUrlException e)
            {
                errors.Add(e.Message);   // names the setting, never the value
            }
        }

        CheckFolder(options.PersistenceDirectory, $"{Section}:PersistenceDirectory (or {OpenHandsPaths.PersistenceDirVariable})", errors);
        CheckFolder(options.ConversationsPath, $"{Section}:ConversationsPath (or {OpenHandsPaths.ConversationsPathVariable})", errors);
        CheckFolder(options.WorkspacePath, $"{Section}:WorkspacePath (or {OpenHandsPaths.WorkspacePathVariable})", errors);
        CheckFolder(options.BashEventsPath, $"{Section}:BashEventsPath (or {OpenHandsPaths.BashEventsDirVariable})", errors);
        if (errors.Count == 0)
        {
            try
            {
                var folders = ServerFolders.Resolve(options);
                CheckFolder(folders.Persistence, "The persistence folder", errors);
                CheckFolder(folders.Conversations, "The conversations folder", errors);
                CheckFolder(folders.WorkspaceRoot, "The workspace root", errors);
                CheckFolder(folders.BashEvents, "The bash events folder", errors);
                if (IsRoot(folders.WorkspaceRoot))
                {
                    errors.Add($"{Section}:WorkspacePath (or {OpenHandsPaths.WorkspacePathVariable}) is the file system root. Fix: give a folder of its own, such as ~/workspace.");
                }
            }
            catch (InvalidOperationException e)
            {
                errors.Add(e.Message);
            }
        }

        AtLeast(options.MaxRequestBodyBytes, 1, "MaxRequestBodyBytes", "bytes, such as 1048576 for 1 MiB", errors);
        AtLeast(options.MaxCommandOutputChars, 1, "MaxCommandOutputChars", "characters", errors);
        AtLeast(options.MaxUploadBytes, 1, "MaxUploadBytes", "bytes, such as 104857600 for 100 MiB", errors);
        Between(options.MaxCommandTimeout, TimeSpan.FromDays(1), "MaxCommandTimeout", errors);
        AtLeast(options.MaxProfiles, 1, "MaxProfiles", "profiles", errors);
        AtLeast(options.MaxAgentProfiles, 1, "MaxAgentProfiles", "agent profiles", errors);
        AtLeast(options.MaxSocketSubscribers, 1, "MaxSocketSubscribers", "websockets", errors);
        Between(options.ValidateTimeout, TimeSpan.FromHours(1), "ValidateTimeout", errors);
        Between(options.SocketAuthTimeout, TimeSpan.FromHours(1), "SocketAuthTimeout", errors);
        Between(options.ConversationLeaseDuration, TimeSpan.FromHours(1), "ConversationLeaseDuration", errors);
        if (options.InstanceUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"))
        {
            errors.Add($"{Section}:InstanceUrl (or OH_INSTANCE_URL) must be an absolute http or https URL that other instances reach this one at, such as http://10.0.0.5:8000.");
        }
        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(["Invalid agent server configuration.", .. errors]);
    }

    private static bool IsRoot(string path) => Path.GetPathRoot(path) is { } root && Path.TrimEndingDirectorySeparator(path) == Path.TrimEndingDirectorySeparator(root);

    private static void CheckFolder(string? path, string setting, List<string> errors)
    {
        if (path is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal) || path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"{setting} is not a valid folder path. Fix: give a folder path, or remove the setting for the default.");
        }
        else if (File.Exists(path))
        {
            errors.Add($"{setting} names a file, not a folder: '{path}'. Fix: give a folder path.");
        }
    }

    private static void AtLeast(long value, long minimum, string setting, string unit, List<string> errors)
    {
        if (value < minimum)
        {
            errors.Add($"{Section}:{setting} must be at least {minimum} (it is {value}). Fix: give a number of {unit}, or remove the setting for the default.");
        }
    }

    private static void Between(TimeSpan value, TimeSpan maximum, string setting, List<string> errors)
    {
        if (value <= TimeSpan.Zero || value > maximum)
        {
            errors.Add($"{Section}:{setting} must be positive and at most {maximum:c} (it is {value:c}). Fix: give a time such as 00:00:30, or remove the setting for the default.");
        }
    }
}
