using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenHands.Sdk.Agents.Tools.Internal;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Runs <c>/api/bash</c> commands in the workspace root and keeps their events (<see cref="BashEventStore"/>): a
/// <c>BashCommand</c> when a command starts, one <c>BashOutput</c> when it ends (stdout and stderr, each bounded by
/// <see cref="AgentServerOptions.MaxCommandOutputChars"/>; exit code <c>-1</c> after a timeout), published to the
/// bash websockets. Each command runs through the SDK's one shell runner in a new process group that is killed
/// whole on timeout, and at server stop, so nothing it started is left behind.
/// </summary>
/// <remarks>
/// The command does not see the server's keys: <c>SESSION_API_KEY</c>, <c>OH_SESSION_API_KEYS_*</c> and
/// <c>OH_SECRET_KEY</c> are removed from its environment. Runs belong to the service, not to the request that
/// started them: a client that goes away does not stop its command (as in the Python server).
/// </remarks>
internal sealed partial class BashEventService : IHostedService, IDisposable
{
    public const int DefaultTimeoutSeconds = 300;
    public const int MaxSubscribers = 50;

    private static readonly ShellRunOptions RunOptions = new(SeparateErrorOutput: true, RemoveVariable: AgentServerConfiguration.IsKeyVariable);

    private readonly AgentServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Guid, Task> _running = new();
    private readonly ConcurrentDictionary<Guid, Channel<BashEvent>> _subscribers = new();

    public BashEventService(ServerFolders folders, IOptions<AgentServerOptions> options, TimeProvider time, ILogger<BashEventService> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        Paths = new WorkspacePaths(folders.WorkspaceRoot);
        Store = new BashEventStore(folders.BashEvents, logger);
    }

    /// <summary>Gets the workspace root's path confinement (the one instance the workspace routes share).</summary>
    public WorkspacePaths Paths { get; }

    public BashEventStore Store { get; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Paths.EnsureRoot();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var channel in _subscribers.Values)
        {
            channel.Writer.TryComplete();
        }
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>Checks a request before anything runs or is written: the command, the timeout and the working folder.</summary>
    /// <exception cref="ApiException">422 for a missing command or a timeout out of range; 400 for a working folder outside the workspace or missing.</exception>
    public (string Command, string Cwd, int Timeout) Validate(ExecuteBashRequest request)
    {
        if (request.Command is not { } command)
        {
            throw ApiException.Validation("Field required", "missing", "body", "command");
        }

        var timeout = request.Timeout ?? DefaultTimeoutSeconds;
        var max = (int)Math.Min(int.MaxValue, _options.MaxCommandTimeout.TotalSeconds);
        if (timeout < 1 || timeout > max)
        {
            throw ApiException.Validation($"Input should be between 1 and {max} seconds", "value_error", "body", "timeout");
        }

        var cwd = request.Cwd is { } given ? Paths.Resolve(given, "body", "cwd") : Paths.RealRoot();
        if (!Directory.Exists(cwd))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "cwd is not a folder in the workspace: create it first, or leave cwd out for the workspace root.");
        }

        return (command, cwd, timeout);
    }

    /// <summary>Starts a validated command; the task ends with its <c>BashOutput</c>.</summary>
    public (BashEvent Command, Task<BashEvent> Output) Start(ExecuteBashRequest request)
    {
        var (text, cwd, timeout) = Validate(request);
        var command = new BashEvent
        {
            Kind = BashEvent.CommandKind, Id = Guid.NewGuid(), Timestamp = _time.GetUtcNow(), Command = text, Cwd = request.Cwd, Timeout = timeout,
        };
        Publish(command);
        var run = RunAsync(command, cwd, timeout);
        _running[command.Id] = run;
        _ = run.ContinueWith(_ => _running.TryRemove(command.Id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return (command, run);
    }

    /// <summary>Follows new events; at most <see cref="MaxSubscribers"/> at a time.</summary>
    /// <returns>The subscription id and its reader, or null when there are too many subscribers.</returns>
    public (Guid Id, ChannelReader<BashEvent> Reader)? Subscribe()
    {
        if (_subscribers.Count >= MaxSubscribers)
        {
            return null;
        }

        var channel = Channel.CreateBounded<BashEvent>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var id = Guid.NewGuid();
        _subscribers[id] = channel;
        return (id, channel.Reader);
    }

    public void Unsubscribe(Guid id)
    {
        if (_subscribers.TryRemove(id, out var channel))
        {
            channel.Writer.TryComplete();
        }
    }

    private async Task<BashEvent> RunAsync(BashEvent command, string cwd, int timeout)
    {
        await Task.Yield();
        BashEvent output;
        try
        {
            var result = await ShellRunner.RunAsync(
                ShellRunner.DefaultShell(), command.Command!, cwd, TimeSpan.FromSeconds(timeout), _options.MaxCommandOutputChars, _time,
                _stopping.Token, options: RunOptions).ConfigureAwait(false);
            if (result.TimedOut)
            {
                LogTimedOut(_logger, command.Id, timeout);
            }

            output = Output(command.Id, result.TimedOut ? -1 : result.ExitCode ?? -1, NonEmpty(result.Output), NonEmpty(result.ErrorOutput));
        }
        catch (OperationCanceledException)
        {
            output = Output(command.Id, -1, null, "Command stopped: the server is shutting down.");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            LogFailed(_logger, command.Id, e);
            output = Output(command.Id, -1, null, $"Error executing command: {e.Message}");
        }

        Publish(output);
        return output;
    }

    /// <summary>A <c>BashError</c> event (sent to one websocket, not stored).</summary>
    public BashEvent Error(string code, string detail) =>
        new() { Kind = BashEvent.ErrorKind, Id = Guid.NewGuid(), Timestamp = _time.GetUtcNow(), Code = code, Detail = detail };

    private BashEvent Output(Guid commandId, int exitCode, string? stdout, string? stderr) => new()
    {
        Kind = BashEvent.OutputKind, Id = Guid.NewGuid(), Timestamp = _time.GetUtcNow(), CommandId = commandId, Order = 0,
        ExitCode = exitCode, Stdout = stdout, Stderr = stderr,
    };

    private void Publish(BashEvent e)
    {
        try
        {
            Store.Save(e);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogNotSaved(_logger, e.Id, ex);
        }

        foreach (var channel in _subscribers.Values)
        {
            channel.Writer.TryWrite(e);
        }
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bash command {CommandId} timed out after {Timeout} s; its process group was killed")]
    private static partial void LogTimedOut(ILogger logger, Guid commandId, int timeout);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bash command {CommandId} could not be run")]
    private static partial void LogFailed(ILogger logger, Guid commandId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bash event {EventId} could not be saved")]
    private static partial void LogNotSaved(ILogger logger, Guid eventId, Exception exception);
}
