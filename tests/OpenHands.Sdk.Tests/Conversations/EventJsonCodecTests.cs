using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Llms.Internal;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>
/// Event files through the source-generated contracts: the Python shape (<c>kind</c> last), unknown fields and unknown
/// kinds kept, and bad input a typed error.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Codec")]
public sealed class EventJsonCodecTests
{
    private static readonly DateTimeOffset Time = new(2026, 6, 16, 5, 39, 48, TimeSpan.FromHours(2));

    private static readonly ImmutableDictionary<string, JsonElement> Unknown =
        ImmutableDictionary<string, JsonElement>.Empty.Add("zeta", Json("1")).Add("alpha", Json("""{"nested":[1,"x",null]}"""));

    public static IEnumerable<TestCaseData> EveryKind()
    {
        yield return Case(new SystemPromptEvent { Id = "e1", Timestamp = Time, Source = EventSource.Agent, SystemPrompt = "Be brief.", Tools = [Json("""{"name":"t"}""")], AdditionalProperties = Unknown });
        yield return Case(new MessageEvent { Id = "e2", Timestamp = Time, Source = EventSource.User, Role = "user", Text = "Hi", Sender = "me", AdditionalProperties = Unknown });
        yield return Case(new ActionEvent
        {
            Id = "e3", Timestamp = Time, Source = EventSource.Agent, Thought = "t", Action = Json("""{"command":"ls","kind":"TerminalAction"}"""),
            ToolName = "terminal", ToolCallId = "c", ToolCall = new ToolCallRecord("c", "terminal", """{"command":"ls"}"""), LlmResponseId = "r", AdditionalProperties = Unknown,
        });
        yield return Case(new ObservationEvent
        {
            Id = "e4", Timestamp = Time, ToolName = "terminal", ToolCallId = "c", ActionId = "e3", ObservationKind = "TerminalObservation", Text = "out",
            ObservationFields = ImmutableDictionary<string, JsonElement>.Empty.Add("exit_code", Json("0")), AdditionalProperties = Unknown,
        });
        yield return Case(new AgentErrorEvent { Id = "e5", Timestamp = Time, ToolName = "x", ToolCallId = "c", Error = "bad", AdditionalProperties = Unknown });
        yield return Case(new ConversationErrorEvent { Id = "e6", Timestamp = Time, Code = "C", Detail = "d", AdditionalProperties = Unknown });
        yield return Case(new ConversationStateUpdateEvent { Id = "e7", Timestamp = Time, Key = "k", Value = Json("""{"a":1}"""), AdditionalProperties = Unknown });
        yield return Case(new PauseEvent { Id = "e8", Timestamp = Time, AdditionalProperties = Unknown });

        static TestCaseData Case(ConversationEvent e) => new TestCaseData(e).SetArgDisplayNames(e.Kind);
    }

    [TestCaseSource(nameof(EveryKind))]
    public void ToBytes_EveryKind_WritesKindLastAfterUnknownFieldsInOrdinalOrder(ConversationEvent e)
    {
        using var document = JsonDocument.Parse(EventJsonCodec.ToBytes(e));
        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();

        names.Take(3).Should().Equal("id", "timestamp", "source");
        names[^1].Should().Be("kind");
        names[^3..^1].Should().Equal("alpha", "zeta");
        document.RootElement.GetProperty("kind").GetString().Should().Be(e.Kind);
    }

    [TestCaseSource(nameof(EveryKind))]
    public void FromBytes_EveryKind_RoundTripsTypeUnknownFieldsAndBytes(ConversationEvent e)
    {
        var bytes = EventJsonCodec.ToBytes(e);

        var back = EventJsonCodec.FromBytes(bytes);

        back.Should().BeOfType(e.GetType());
        back.Id.Should().Be(e.Id);
        back.Timestamp.Should().Be(e.Timestamp);
        back.AdditionalProperties.Keys.Should().BeEquivalentTo(Unknown.Keys);
        JsonElement.DeepEquals(back.AdditionalProperties["alpha"], Unknown["alpha"]).Should().BeTrue();
        EventJsonCodec.ToBytes(back).Should().Equal(bytes);
        using var document = JsonDocument.Parse(bytes);
        EventJsonCodec.ToBytes(EventJsonCodec.Read(document.RootElement)).Should().Equal(bytes);
    }

    [Test]
    public void PreparationSample_IsAValidEventWithTheCommonFieldsAndAnUnknownOne()
    {
        EventJsonCodec.Prepare().Should().BeTrue("a replay prepares the codec with it in the background, where a failure would go unseen");
        var e = EventJsonCodec.FromBytes(EventJsonCodec.PreparationSample);

        e.Should().BeOfType<PauseEvent>();
        e.Source.Should().Be(EventSource.User);
        e.AdditionalProperties.Keys.Should().Equal("x");
    }

    [Test]
    public void FromBytes_UnknownKind_IsKeptWholeAndWrittenBackWithTheSameContent()
    {
        const string json = """{"id":"u1","timestamp":"2026-06-16T05:39:48.701247","source":"agent","future":{"b":[1,2.50,"x"],"a":null},"kind":"FutureEvent","after_kind":true}""";

        var e = EventJsonCodec.FromBytes(Encoding.UTF8.GetBytes(json));

        var unknown = e.Should().BeOfType<UnknownEvent>().Subject;
        unknown.Kind.Should().Be("FutureEvent");
        unknown.Id.Should().Be("u1");
        unknown.Source.Should().Be(EventSource.Agent);
        var written = EventJsonCodec.ToBytes(unknown);
        Encoding.UTF8.GetString(written).Should().Be(json);
        using var document = JsonDocument.Parse(json);
        EventJsonCodec.ToBytes(EventJsonCodec.Read(document.RootElement)).Should().Equal(written);
    }

    [Test]
    public void FromBytes_PythonShapes_AreReadLeniently()
    {
        var e = EventJsonCodec.FromBytes("""
            {"llm_message":{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"image","image_urls":["u"]},{"type":"text","text":"b"}],"tool_calls":null},
             "id":"m1","source":"robot","timestamp":"not a time","kind":"MessageEvent"}
            """u8);

        var message = e.Should().BeOfType<MessageEvent>().Subject;
        message.Text.Should().Be("a\nb");
        message.Role.Should().Be("assistant");
        message.Source.Should().Be(EventSource.Environment, "an unknown source is the environment, as in Python");
        message.Timestamp.Should().Be(default);
    }

    [TestCase("""{"kind":"ConversationErrorEvent","id":"k1","code":"C","detail":"d","extra":[1]}""")]
    [TestCase("""{"id": "k1", "code": "C", "detail": "d", "extra": [1], "kind": "ConversationErrorEvent"}""" + "\n")]
    [TestCase("""{"id":"k1","code":"C","kind":"ConversationErrorEvent","detail":"d","extra":[1]}""")]
    [TestCase("""{"id":"k1","code":"C","detail":"d","extra":[1],"note":"\"kind\":\"PauseEvent","kind":"ConversationErrorEvent"}""")]
    public void FromBytes_KindAnywhereAndAnySpacing_ReadsTheSameEvent(string json)
    {
        var e = EventJsonCodec.FromBytes(Encoding.UTF8.GetBytes(json));

        var error = e.Should().BeOfType<ConversationErrorEvent>().Subject;
        error.Id.Should().Be("k1");
        error.Code.Should().Be("C");
        error.Detail.Should().Be("d");
        error.AdditionalProperties.Should().ContainKey("extra").And.NotContainKey("kind");
        using var document = JsonDocument.Parse(json);
        EventJsonCodec.ToBytes(EventJsonCodec.Read(document.RootElement)).Should().Equal(EventJsonCodec.ToBytes(e));
    }

    [TestCase("""{"id":"x"}""", "kind")]
    [TestCase("""{"kind":"PauseEvent"}""", "id")]
    [TestCase("""{"id":"x","kind":"MessageEvent"}""", "llm_message")]
    [TestCase("""{"id":"x","kind":"ActionEvent","tool_name":"t","tool_call_id":"c"}""", "tool_call")]
    [TestCase("""{"id":"x","kind":"ObservationEvent","tool_name":"t","tool_call_id":"c","observation":{}}""", "action_id")]
    [TestCase("""{"id":"x","kind":"MessageEvent","llm_message":[]}""", "llm_message")]
    [TestCase("""[1]""", "object")]
    [TestCase("""{"id":"x",""", "not valid JSON")]
    [TestCase("", "not valid JSON")]
    public void FromBytes_BadEvent_ThrowsLlmFormatExceptionNamingTheProblem(string json, string expected)
    {
        var act = () => EventJsonCodec.FromBytes(Encoding.UTF8.GetBytes(json));

        act.Should().Throw<LlmFormatException>().Which.Message.Should().Contain(expected);
    }

    [Test]
    public void FromBytes_InvalidUtf8OrLoneSurrogate_ThrowsLlmFormatException()
    {
        byte[] invalidUtf8 = [.. Encoding.UTF8.GetBytes("{\"id\":\"x\",\"kind\":\"ConversationErrorEvent\",\"code\":\""), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\"}")];
        var loneSurrogate = """{"id":"x","kind":"ConversationErrorEvent","code":"\udc00"}"""u8.ToArray();

        FluentActions.Invoking(() => EventJsonCodec.FromBytes(invalidUtf8)).Should().Throw<LlmFormatException>().WithMessage("*Unicode*");
        FluentActions.Invoking(() => EventJsonCodec.FromBytes(loneSurrogate)).Should().Throw<LlmFormatException>().WithMessage("*Unicode*");
    }

    [Test]
    public void Open_CorruptEventFile_ReportsItAndRefusesAppends()
    {
        using var dir = TempDirectory.Create();
        var name = EventLog.FileNameFor(0, "0123456789abcdef");
        File.WriteAllText(dir.Combine(name), """{"id":"x","kind":"MessageEvent","llm_message":"not an object"}""");

        var log = EventLog.Open(dir.Path);

        log.Events.Should().BeEmpty();
        log.Damage.Should().ContainSingle().Which.Should().Match<ConversationFileDamage>(d =>
            d.File == "events/" + name && d.Kind == ConversationFileDamageKind.Unreadable && d.EventIndex == 0 && d.EventId == "0123456789abcdef");
        FluentActions.Invoking(() => log.Append(new MessageEvent { Source = EventSource.User, Role = "user", Text = "hi" }))
            .Should().Throw<InvalidConversationException>().WithMessage("*read-only*" + name + "*");
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
