using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Internal;

namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>
/// Writes one conversation's files: <c>base_state.json</c> in its folder and one file per event in <c>events/</c>, each
/// atomically (a temp file renamed over it). The events folder is created with the first event.
/// </summary>
internal sealed class FileConversationWriter : IConversationWriter
{
    private readonly string _eventsDirectory;
    private bool _eventsFolderReady;
    private bool _folderReady;

    /// <param name="directory">The conversation's folder; <see langword="null"/> for an events folder on its own (then no state is written).</param>
    /// <param name="eventsDirectory">The events folder.</param>
    public FileConversationWriter(string? directory, string eventsDirectory)
    {
        Directory = directory;
        _eventsDirectory = eventsDirectory;
    }

    public string? Directory { get; }

    public void AppendEvent(int sequence, ConversationEvent conversationEvent, ReadOnlySpan<byte> json)
    {
        if (!_eventsFolderReady)
        {
            AtomicFile.EnsureDirectory(_eventsDirectory);
            _eventsFolderReady = true;
        }

        AtomicFile.Write(Path.Combine(_eventsDirectory, EventLog.FileNameFor(sequence, conversationEvent.Id)), json, flushToDisk: false);
    }

    public void WriteState(ReadOnlySpan<byte> json)
    {
        var directory = Directory ?? throw new InvalidOperationException("This writer has no conversation folder, so it writes events only.");
        if (!_folderReady)
        {
            AtomicFile.EnsureDirectory(directory);
            _folderReady = true;
        }

        AtomicFile.Write(Path.Combine(directory, FileConversationStore.StateFileName), json, flushToDisk: false);
    }
}
