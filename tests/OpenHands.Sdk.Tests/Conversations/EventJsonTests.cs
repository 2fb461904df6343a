using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>
/// The public event codec (issue 11: the agent server reads and writes events through it, not the SDK's internal codec):
/// the bytes, the writer and the reader agree, unknown kinds come back whole and bad input is a <see cref="JsonException"/>.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Codec")]
public sealed class EventJsonTests
{
    private static readonly DateTimeOffset Time = new(2026, 6, 16, 5, 39, 48, TimeSpan.Zero);

    [Test]
    public void ReadOfToUtf8Bytes_AMessage_GivesTheSameEventBack()
    {
        var message = new MessageEvent { Id = "e1", Timestamp = Time, Source = EventSource.User, Role = "user", Text = "Hi" };

        using var json = JsonDocument.Parse(EventJson.ToUtf8Bytes(message));
        var read = EventJson.Read(json.RootElement);

        read.Should().BeOfType<MessageEvent>().Which.Text.Should().Be("Hi");
        EventJson.ToJson(read).Should().Be(EventJson.ToJson(message));
    }

    [Test]
    public void Write_AnEvent_WritesWhatToJsonReturns()
    {
        var error = new ConversationErrorEvent { Id = "e2", Timestamp = Time, Code = "C", Detail = "d" };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            EventJson.Write(writer, error);
            writer.WriteEndArray();
        }

        Encoding.UTF8.GetString(buffer.ToArray()).Should().Be("[" + EventJson.ToJson(error) + "]");
    }

    [Test]
    public void Read_AnUnknownKind_KeepsTheEventWhole()
    {
        const string Json = """{"id":"e3","timestamp":"2026-06-16T05:39:48","source":"agent","payload":{"x":[1,2]},"kind":"FutureEvent"}""";
        using var json = JsonDocument.Parse(Json);

        EventJson.ToJson(EventJson.Read(json.RootElement)).Should().Be(Json);
    }

    [TestCase("[1, 2]")]
    [TestCase("""{"id": "e4", "kind": "MessageEvent", "llm_message": []}""")]
    public void Read_NotAnEvent_ThrowsJsonExceptionNamingTheProblem(string text)
    {
        using var json = JsonDocument.Parse(text);

        var act = () => EventJson.Read(json.RootElement);

        act.Should().Throw<JsonException>().WithMessage("Not a valid event: *");
    }

    [TestCase(EventSource.Agent, "agent")]
    [TestCase(EventSource.User, "user")]
    [TestCase(EventSource.Environment, "environment")]
    public void SourceName_GivesThePythonName(EventSource source, string name) =>
        EventJson.SourceName(source).Should().Be(name);

    [Test]
    public void Sum_TwoUsageIds_AddsEveryCounter()
    {
        var usage = ConversationUsage.Sum(
        [
            new LlmUsageMetrics("a", 0.5, 10, 2, 1, 0, 12, 1),
            new LlmUsageMetrics("b", 0.25, 5, 3, 0, 4, 8, 2),
        ]);

        usage.Should().Be(new ConversationUsage(15, 5, 1, 4, 0.75, 3));
    }
}
