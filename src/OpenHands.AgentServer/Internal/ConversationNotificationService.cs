using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.PostgreSql;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Keeps this instance's copies of conversations in step with the other instances, when several share a database:
/// it listens to the database's conversation notifications (<see cref="PostgreSqlConversationNotifications"/>) and, for
/// each change of a conversation this instance holds no lease on (so another instance made it), drops the copy
/// (<see cref="ConversationService.OnChanged"/>): the next REST read loads what is stored, and a websocket
/// watching it goes on from the next event on the new copy. After every (re)connect every such copy goes, since
/// changes made meanwhile were not heard. Without a database it does nothing.
/// </summary>
internal sealed partial class ConversationNotificationService(
    ConversationService conversations,
    ConversationOwnership ownership,
    TimeProvider time,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ConversationNotificationService>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!ownership.IsShared || ownership.Database is not { } database)
        {
            return;
        }

        var notifications = new PostgreSqlConversationNotifications(database, loggerFactory, time);
        try
        {
            await notifications.ListenAsync(
                (change, _) =>
                {
                    conversations.OnChanged(change);
                    return Task.CompletedTask;
                },
                _ =>
                {
                    conversations.OnNotificationsConnected();
                    LogListening(_logger);
                    return Task.CompletedTask;
                },
                stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listening for conversation changes made by other instances")]
    private static partial void LogListening(ILogger logger);
}
