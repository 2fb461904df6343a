using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Agents.Security;

/// <summary>Rates the risk of an action before it runs; the confirmation policy decides what to do with the rating.</summary>
/// <remarks>
/// A conversation persists its analyzer by <see cref="Kind"/> (JSON <c>security_analyzer</c>); on restore the SDK
/// recreates the analyzers it knows (<see cref="PatternSecurityAnalyzer"/>). Implementations must be thread-safe.
/// </remarks>
public interface ISecurityAnalyzer
{
    /// <summary>Gets the Python SDK's name of the analyzer (<c>kind</c>), for example <c>PatternSecurityAnalyzer</c>.</summary>
    string Kind { get; }

    /// <summary>Rates an action.</summary>
    /// <param name="action">The action, with its tool name and payload.</param>
    /// <param name="workingDirectory">The conversation's workspace folder.</param>
    /// <returns>The risk; <see cref="SecurityRisk.Unknown"/> when it cannot tell.</returns>
    SecurityRisk Rate(ActionEvent action, string workingDirectory);
}
