using OpenHands.Sdk;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The folders the server keeps its files in, resolved once from <see cref="AgentServerOptions"/> by the SDK's one rule
/// (<see cref="OpenHandsPaths"/>): the persistence folder (<c>OH_PERSISTENCE_DIR</c>, else <c>~/.openhands</c>), the
/// conversations folder (<c>OH_CONVERSATIONS_PATH</c>, else <c>&lt;persistence&gt;/conversations</c>) and the workspaces
/// folder (<c>&lt;persistence&gt;/workspaces</c>), the workspace root (<c>OH_WORKSPACE_PATH</c>, else
/// <c>&lt;persistence&gt;/workspace</c>) and the bash events folder (<c>OH_BASH_EVENTS_DIR</c>, else
/// <c>&lt;persistence&gt;/bash_events</c>), all full paths.
/// </summary>
/// <param name="Persistence">The persistence folder: <c>settings.json</c> and, unless configured elsewhere, <c>profiles/</c>.</param>
/// <param name="Conversations">One sub-folder per conversation.</param>
/// <param name="Workspaces">One sub-folder per conversation started without a workspace, named by its id.</param>
/// <param name="WorkspaceRoot">The folder the workspace routes (bash, files, git) are confined to.</param>
/// <param name="BashEvents">One JSON file per event of a <c>/api/bash</c> command.</param>
internal sealed record ServerFolders(string Persistence, string Conversations, string Workspaces, string WorkspaceRoot, string BashEvents)
{
    /// <exception cref="InvalidOperationException">No persistence folder is configured and the home folder is unknown.</exception>
    public static ServerFolders Resolve(AgentServerOptions options)
    {
        // The options hold the host configuration's values of the environment variables; without a host configuration
        // the process environment still applies, as everywhere in the SDK.
        var persistence = OpenHandsPaths.PersistenceDirectory(options.PersistenceDirectory);
        return new ServerFolders(
            persistence,
            OpenHandsPaths.ConversationsDirectory(options.ConversationsPath, persistence),
            OpenHandsPaths.WorkspacesDirectory(persistence),
            Full(options.WorkspacePath, OpenHandsPaths.WorkspacePathVariable, persistence, "workspace"),
            Full(options.BashEventsPath, OpenHandsPaths.BashEventsDirVariable, persistence, "bash_events"));
    }

    private static string Full(string? configured, string variable, string persistence, string defaultName)
    {
        var path = string.IsNullOrWhiteSpace(configured) ? Environment.GetEnvironmentVariable(variable) : configured;
        return string.IsNullOrWhiteSpace(path) ? Path.Combine(persistence, defaultName) : Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
    }

    /// <summary>The folder a conversation started without a workspace runs in.</summary>
    public string WorkspaceFor(Guid conversationId) => Path.Combine(Workspaces, conversationId.ToString("N"));
}
