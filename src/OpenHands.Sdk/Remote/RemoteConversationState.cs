using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Remote;

/// <summary>A conversation on an agent server as <c>GET /api/conversations/{id}</c> shows it.</summary>
/// <param name="Id">The conversation's id.</param>
/// <param name="ExecutionStatus">Where its run stands.</param>
/// <param name="LlmProfile">The LLM profile it uses, or <see langword="null"/> when the server reports none.</param>
/// <param name="Llm">The secret-free snapshot of its live LLM (no key), or <see langword="null"/> when the server sent none.</param>
/// <param name="MaxIterations">The most agent steps per run.</param>
/// <param name="WorkingDirectory">The working folder on the server's machine, or <see langword="null"/>.</param>
/// <param name="Title">The title, or <see langword="null"/>.</param>
public sealed record RemoteConversationState(
    Guid Id,
    ConversationExecutionStatus ExecutionStatus,
    ProfileName? LlmProfile,
    Llm? Llm,
    int MaxIterations,
    string? WorkingDirectory,
    string? Title);
