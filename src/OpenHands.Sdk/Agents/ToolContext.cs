using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Agents;

/// <summary>What a tool may use of the conversation it runs in.</summary>
public sealed class ToolContext
{
    /// <summary>Initializes a new instance of the <see cref="ToolContext"/> class.</summary>
    /// <param name="workingDirectory">The workspace folder tools operate in.</param>
    /// <param name="conversationId">The conversation's id.</param>
    public ToolContext(string workingDirectory, Guid conversationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workingDirectory);
        WorkingDirectory = workingDirectory;
        ConversationId = conversationId;
    }

    /// <summary>Gets the workspace folder tools operate in.</summary>
    public string WorkingDirectory { get; }

    /// <summary>Gets the conversation's id.</summary>
    public Guid ConversationId { get; }

    /// <summary>Gets the logger factory; no logging by default.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Gets the clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets the conversation's LLM switch (used by <c>switch_llm</c>); <see langword="null"/> when the conversation cannot switch.</summary>
    public ILlmSwitcher? LlmSwitcher { get; init; }

    /// <summary>Looks up the conversation's secrets by the names a text mentions; none by default.</summary>
    internal Func<string, IReadOnlyDictionary<string, SecretString>>? SecretLookup { get; init; }

    /// <summary>
    /// Returns the conversation's secrets whose names appear in <paramref name="text"/> (ignoring case), for example the
    /// variables a command uses: the terminal sets them in the command's environment. Output that shows a value is masked
    /// as <c>&lt;secret-hidden&gt;</c> before anything records it.
    /// </summary>
    /// <param name="text">The text, for example a command.</param>
    /// <returns>The secrets by name; empty when there are none.</returns>
    public IReadOnlyDictionary<string, SecretString> SecretsNamedIn(string text) =>
        SecretLookup is { } lookup && !string.IsNullOrEmpty(text) ? lookup(text) : ImmutableDictionary<string, SecretString>.Empty;

    /// <summary>Returns a copy that looks secrets up with <paramref name="lookup"/>.</summary>
    internal ToolContext WithSecrets(Func<string, IReadOnlyDictionary<string, SecretString>> lookup) => new(WorkingDirectory, ConversationId)
    {
        LoggerFactory = LoggerFactory,
        TimeProvider = TimeProvider,
        LlmSwitcher = LlmSwitcher,
        SecretLookup = lookup,
    };
}
