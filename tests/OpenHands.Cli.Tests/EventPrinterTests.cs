using System.Text.Json;
using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Cli.Tests;

/// <summary>The lines <see cref="EventPrinter"/> prints for events whose JSON it reads: tool arguments and LLM state updates.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class EventPrinterTests
{
    [Test]
    public void Action_IsSummarizedByItsArguments_AndArgumentsThatAreNotAnObjectArePrintedAsTheyAre()
    {
        var output = Print(
            Action("terminal", """{"command": "ls -la", "timeout": 30}"""),
            Action("file_editor", """{"command": "view", "path": "src/a.cs"}"""),
            Action("think", """["not", "an", "object"]"""),
            Action("finish", """{"message": "all done"}"""));

        output.Should().Be("  -> terminal: ls -la\n  -> file_editor: view src/a.cs\n  -> think: [\"not\", \"an\", \"object\"]\ndone> all done\n");
    }

    [Test]
    public void StateUpdates_PrintTheFallbackAndTheProfile_AndAProfileValueOfAnotherShapeAsItsText()
    {
        var output = Print(
            Update(ConversationStateUpdateEvent.LlmFallbackKey, """{"from_profile": "smart", "from_model": "openai/gpt-smart", "profile": "cheap", "model": "openai/gpt-cheap", "reason": "rate limit"}"""),
            Update(ConversationStateUpdateEvent.LlmFallbackKey, """{"from_model": "openai/gpt-smart", "profile": "cheap"}"""),
            Update(ConversationStateUpdateEvent.LlmProfileKey, """{"name": "cheap", "model": "openai/gpt-cheap"}"""),
            Update(ConversationStateUpdateEvent.LlmProfileKey, "\"fast\""));

        output.Should().Be(
            "fallback> smart -> cheap (openai/gpt-cheap)\n"
            + "fallback> openai/gpt-smart -> cheap ()\n"
            + "profile> cheap\n"
            + "profile> fast\n");
    }

    private static string Print(params ConversationEvent[] events)
    {
        using var output = new StringWriter { NewLine = "\n" };
        var printer = new EventPrinter(new CliIo { Out = output, Error = TextWriter.Null, In = TextReader.Null });
        foreach (var e in events)
        {
            printer.Print(e);
        }

        return output.ToString();
    }

    private static ActionEvent Action(string tool, string arguments) => new()
    {
        ToolName = tool,
        ToolCallId = "call-" + tool,
        ToolCall = new ToolCallRecord("call-" + tool, tool, arguments),
        LlmResponseId = "response-one",
    };

    private static ConversationStateUpdateEvent Update(string key, string value) => new()
    {
        Key = key,
        Value = JsonElement.Parse(value),
    };
}
