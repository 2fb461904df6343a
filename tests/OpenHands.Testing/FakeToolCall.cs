namespace OpenHands.Testing;

/// <summary>One tool call in a scripted reply.</summary>
/// <param name="Name">The tool (function) name.</param>
/// <param name="ArgumentsJson">The arguments as a JSON text, sent verbatim in the OpenAI format (Anthropic gets it parsed as <c>input</c>).</param>
/// <param name="Id">The call id; <see langword="null"/> makes one up (<c>call_&lt;n&gt;</c> or <c>toolu_&lt;n&gt;</c>).</param>
public sealed record FakeToolCall(string Name, string ArgumentsJson, string? Id = null);
