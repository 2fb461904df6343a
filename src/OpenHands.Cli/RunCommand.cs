using System.CommandLine;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Security;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using Spectre.Console;

namespace OpenHands.Cli;

/// <summary><c>openhands run "TASK"</c>: a local, persisted conversation with the terminal and file-editor tools.</summary>
internal static class RunCommand
{
    public static Command Create(CliIo io, Option<string?> home)
    {
        var task = new Argument<string?>("TASK") { Description = "What the agent should do. Optional with --resume.", Arity = ArgumentArity.ZeroOrOne };
        var profile = new Option<string?>("--profile") { Description = "The LLM profile to use; default: the active profile." };
        var resume = new Option<string?>("--resume") { Description = "Continue the conversation with this id (printed when a run stops)." };
        var envs = new Option<bool>("--override-with-envs")
        {
            Description = "Use LLM_MODEL, LLM_API_KEY and LLM_BASE_URL: stored as a profile (an equal one is reused, none is replaced) and used.",
        };
        var workspace = new Option<string?>("--workspace") { Description = "The folder the agent works in; default: the current folder." };
        var confirm = new Option<string?>("--confirm")
        {
            Description = "Which actions to confirm (y/n) before they run: risky (rated HIGH, the default for a new conversation), always, never.",
        };
        confirm.AcceptOnlyFromAmong(ConfirmationPrompt.Choices);
        var json = new Option<bool>("--json")
        {
            Description = "Write each event to stdout as one JSON object per line (the SDK's event shape, as the agent server sends it); other lines go to stderr.",
        };
        var run = new Command("run", CliHelp.With(
            "Run an agent on a task. A streaming profile prints the reply as it arrives. An LLM call that is retried prints one warning line (what failed, when the next try is). Ctrl+C interrupts the LLM call or command at once and pauses the conversation; --resume ID continues it.",
            "openhands run \"Create hello.txt with a greeting\"",
            "openhands run --profile fast --workspace ~/src/app \"Fix the failing test\"",
            "openhands run --json \"List the files\" | jq -c '{kind, source}'",
            "openhands run --resume 0f3c...e1 \"Also add a test\""))
        {
            task, profile, resume, envs, workspace, confirm, json,
        };
        run.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => RunAsync(h, io, new Request(
            parse.GetValue(task), parse.GetValue(profile), parse.GetValue(resume), parse.GetValue(envs), parse.GetValue(workspace), parse.GetValue(confirm), parse.GetValue(json)), ct), cancellationToken: ct));
        return run;
    }

    private static async Task<int> RunAsync(CliHome home, CliIo console, Request request, CancellationToken ct)
    {
        // With --json, stdout carries only events; every human line (header, status, hints) goes to stderr.
        var io = request.Json ? console.WithLinesOnStderr() : console;
        if (string.IsNullOrWhiteSpace(request.Task) && request.Resume is null)
        {
            throw CliException.Usage("no task given. Fix: openhands run \"TASK\", or continue a conversation with openhands run --resume ID.");
        }

        if (request.Profile is not null && request.OverrideWithEnvs)
        {
            throw CliException.Usage("--profile and --override-with-envs both choose the LLM. Fix: pass only one of them.");
        }

        Guid? resumeId = null;
        if (request.Resume is not null)
        {
            resumeId = Guid.TryParse(request.Resume, out var id)
                ? id
                : throw CliException.Usage($"'{request.Resume}' is not a conversation id. Fix: pass the id printed when the run stopped (32 hex digits).");
        }

        var workspace = Path.GetFullPath(request.Workspace ?? io.CurrentDirectory, io.CurrentDirectory);
        if (!Directory.Exists(workspace))
        {
            throw CliException.Usage($"workspace '{workspace}' does not exist. Fix: create it, or pass an existing folder with --workspace.");
        }

        var named = await ChooseProfileAsync(home, io, request, ct);

        var printer = new EventPrinter(io);
        var events = request.Json ? new JsonEventWriter(console.Out) : null;
        var factory = new ConversationFactory(new ConversationFactoryOptions
        {
            PersistenceDirectory = home.ConversationsDirectory,
            ProfileStore = home.Profiles,
            Resolver = home.Resolver,
            Materializer = home.Materializer,
            LoggerFactory = home.LoggerFactory,   // a retried LLM call prints one warning line
        });
        var options = new ConversationOptions
        {
            WorkingDirectory = workspace,
            ConfirmationPolicy = ConfirmationPrompt.Policy(request.Confirm ?? "risky"),
            SecurityAnalyzer = new PatternSecurityAnalyzer(),
        };
        options.Callbacks.Add(events is null ? printer.Print : events.Write);

        Conversation conversation;
        if (resumeId is { } rid)
        {
            conversation = await factory.RestoreAsync(rid, options, ct);
            if (named is { } switchTo)
            {
                await conversation.SwitchProfileAsync(switchTo, ct);
            }

            if (request.Confirm is { } choice)
            {
                await conversation.SetConfirmationPolicyAsync(ConfirmationPrompt.Policy(choice), ct);
                await conversation.SetSecurityAnalyzerAsync(new PatternSecurityAnalyzer(), ct);
            }
        }
        else
        {
            // By reference: the profile is read once and nothing is written back to the store.
            conversation = await factory.StartWithProfileAsync(
                named is { } n ? new ProfileReference(n) : null,
                llm => new Agent(llm, [new ToolSpec("terminal"), new ToolSpec("file_editor")]),
                options,
                ct);
        }

        await using (conversation)
        {
            var profileText = conversation.State.LlmProfile?.ToString() ?? "(none)";
            io.Line($"Conversation {conversation.Id:N} (profile '{profileText}', {conversation.Agent.Llm.Model}, workspace {workspace})",
                $"[grey]Conversation[/] [bold]{conversation.Id:N}[/] [grey](profile '{Markup.Escape(profileText)}', {Markup.Escape(conversation.Agent.Llm.Model)}, workspace {Markup.Escape(workspace)})[/]");

            if (!string.IsNullOrWhiteSpace(request.Task))
            {
                await conversation.SendMessageAsync(request.Task, ct);
            }

            try
            {
                // Ctrl+C interrupts: the LLM call or command in flight ends at once, and a killed command is answered
                // with an error rather than run again on resume.
                using (ct.Register(static c => _ = ((Conversation)c!).InterruptAsync(), conversation))
                {
                    if (!ct.IsCancellationRequested)
                    {
                        await RunWithSpinnerAsync(conversation, printer, io, CancellationToken.None);

                        // Confirmation of risky actions: ask y/n while the conversation waits (ConfirmationPrompt).
                        await ConfirmationPrompt.ResolveAsync(conversation, io, () => RunWithSpinnerAsync(conversation, printer, io, CancellationToken.None), ct);
                    }
                }

                if (ct.IsCancellationRequested && conversation.State.ExecutionStatus is ConversationExecutionStatus.Paused)
                {
                    io.Line($"Paused and saved conversation {conversation.Id:N}. Resume with: openhands run --resume {conversation.Id:N}");
                    return ExitCodes.Ok;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C while the confirmation question waits: the actions stay pending.
                io.Line($"Saved conversation {conversation.Id:N}, waiting for confirmation. Resume with: openhands run --resume {conversation.Id:N}");
                return ExitCodes.Ok;
            }
            catch (ConversationRunException ex)
            {
                io.Fail($"the run failed: {(ex.InnerException ?? ex).Message.ReplaceLineEndings(" ")} Fix: check the profile ('openhands profiles show {profileText}'), then resume with: openhands run --resume {conversation.Id:N}");
                return ExitCodes.Failure;
            }

            var status = conversation.State.ExecutionStatus;
            io.Line($"Status: {status.ToString().ToLowerInvariant()}. Conversation {conversation.Id:N} is saved in {conversation.Directory}.");
            if (status is ConversationExecutionStatus.Paused or ConversationExecutionStatus.WaitingForConfirmation)
            {
                io.Line($"Resume with: openhands run --resume {conversation.Id:N}");
            }

            return status is ConversationExecutionStatus.Error or ConversationExecutionStatus.Stuck ? ExitCodes.Failure : ExitCodes.Ok;
        }
    }

    /// <summary>The profile the run was told to use, or null for "the active one" (or, on resume, "the conversation's own").</summary>
    private static async Task<ProfileName?> ChooseProfileAsync(CliHome home, CliIo io, Request request, CancellationToken ct)
    {
        if (request.OverrideWithEnvs)
        {
            var model = io.Env("LLM_MODEL")
                ?? throw CliException.Usage("--override-with-envs needs LLM_MODEL. Fix: set LLM_MODEL (e.g. openai/gpt-4o-mini), and LLM_API_KEY / LLM_BASE_URL as needed.");
            var llm = new Llm(model)
            {
                ApiKey = SecretString.FromNullable(io.Env("LLM_API_KEY")),
                BaseUrl = io.Env("LLM_BASE_URL"),
            };
            var reference = await home.Materializer.MaterializeAsync(llm, cancellationToken: ct);
            io.Note($"Using LLM_MODEL/LLM_API_KEY/LLM_BASE_URL as profile '{reference}'.");
            return reference.Name;
        }

        if (request.Profile is not null)
        {
            var name = ProfileName.Create(request.Profile);
            if (!await home.Profiles.ExistsAsync(name, ct))
            {
                throw new ProfileNotFoundException(name, await home.Profiles.ListAsync(ct));
            }

            return name;
        }

        if (request.Resume is null && await home.GetActiveProfileAsync(ct) is null)
        {
            throw CliException.Usage(CliErrors.NoActiveProfile(await home.Profiles.ListAsync(ct)));
        }

        return null;
    }

    private static async Task RunWithSpinnerAsync(Conversation conversation, EventPrinter printer, CliIo io, CancellationToken ct)
    {
        // A streamed reply is its own progress indicator (and a live spinner would garble it).
        if (io.Terminal is not { } terminal || conversation.Agent.Llm.Stream)
        {
            await conversation.RunAsync(ct);
            return;
        }

        await terminal.Status().Spinner(Spinner.Known.Dots).StartAsync("Thinking…", async context =>
        {
            printer.StatusChanged = text => context.Status(Markup.Escape(text));
            try
            {
                await conversation.RunAsync(ct);
            }
            finally
            {
                printer.StatusChanged = null;
            }
        });
    }

    private sealed record Request(string? Task, string? Profile, string? Resume, bool OverrideWithEnvs, string? Workspace, string? Confirm, bool Json);
}
