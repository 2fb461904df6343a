using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Invocation;

namespace OpenHands.Cli;

/// <summary>The command tree and its entry point; tests call <see cref="RunAsync"/> in-process with captured output.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliIo io, CancellationToken cancellationToken = default)
    {
        var root = Build(io);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors)
            {
                io.Fail(error.Message);
            }

            io.Error.WriteLine($"Run '{Usage(parse)} --help' for usage.");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = io.Out,
            Error = io.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // Program.cs turns Ctrl+C into cancellation of this token
        };
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception ex)
        {
            return CliErrors.Report(ex, io);
        }
    }

    private static string Usage(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, r.Command is RootCommand ? "openhands" : r.Command.Name);
        }

        return string.Join(' ', names);
    }

    private static RootCommand Build(CliIo io)
    {
        var home = new Option<string?>("--home")
        {
            Description = "The OpenHands folder (settings.json, profiles/, conversations/). Default: OH_PERSISTENCE_DIR, else ~/.openhands.",
            Recursive = true,
        };
        var root = new RootCommand(CliHelp.With(
            """
            OpenHands: LLM profiles, migration of Python CLI settings, and running an agent.
            LLM profiles are the one place where models, endpoints and API keys are kept.
            Exit codes: 0 ok, 1 failure, 2 usage or configuration problem.
            Shell completion: see docs/cli.md (dotnet-suggest, or: openhands [suggest] "openhands prof").
            """,
            "openhands profiles add fast --model openai/gpt-4o-mini",
            "openhands run \"Create hello.txt with a greeting\"",
            "openhands conversations list"));
        if (!root.Directives.OfType<SuggestDirective>().Any())
        {
            root.Add(new SuggestDirective());   // shell completion: openhands [suggest:POS] "openhands pro"
        }

        root.Add(home);
        root.Add(ProfilesCommands.Create(io, home));
        root.Add(AgentProfilesCommands.Create(io, home));
        root.Add(ConnectionsCommands.Create(io, home));
        root.Add(KeysCommands.Create(io, home));
        root.Add(StoreCommands.Create(io));

        var migrate = new Command("migrate", CliHelp.With(
            "Move the LLM (and key) from the Python CLI's agent_settings.json and a legacy settings.json into profiles ('Default' when free; an equal profile is reused, none is replaced); keeps *.bak backups. Safe to run twice. Other commands move a legacy settings.json themselves.",
            "openhands migrate", "openhands migrate --home ~/.openhands"));
        migrate.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => new Migrator(h, io).RunAsync(ct), migrateFirst: false, cancellationToken: ct));
        root.Add(migrate);
        root.Add(RunCommand.Create(io, home));
        root.Add(ConversationsCommands.Create(io, home));
        return root;
    }
}
