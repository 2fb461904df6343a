using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Tests.Conversations;

namespace OpenHands.Sdk.Tests.Diagnostics;

/// <summary>
/// OpenTelemetry (issue 16, item 1): one run against the scripted LLM yields the spans run → step → LLM call and tool
/// call with the GenAI semantic-convention attributes, and the metrics; no key, and by default no message content,
/// appears in any span, event or metric.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Telemetry")]
public sealed class TelemetryTests
{
    private const string CanaryKey = "sk-test-canary-otel";
    private const string ContentMarker = "purple-elephant-instructions";

    [Test]
    public async Task RunAsync_ToolThenAnswer_YieldsRunStepLlmAndToolSpansAndMetricsWithoutKeyOrContent()
    {
        var model = "gpt-otel-" + Guid.NewGuid().ToString("N")[..8];
        using var capture = new TelemetryCapture();
        await using var kit = await ConversationTestKit.StartAsync();
        await kit.Store.SaveAsync(ProfileName.Create("otel"), kit.Llm("openai/" + model, CanaryKey));
        kit.Server.Enqueue(
            FakeReply.ToolCall("terminal", $$"""{"command": "echo {{ContentMarker}}"}""", id: "call_otel_1").WithUsage(120, 7),
            FakeReply.Text("Printed it. " + ContentMarker).WithUsage(150, 9));
        await using var conversation = await kit.Factory().StartWithProfileAsync(new ProfileReference(ProfileName.Create("otel")), ConversationTestKit.Agent, kit.Options());

        await conversation.SendMessageAsync($"Print {ContentMarker}, my key is {CanaryKey}.");
        await conversation.RunAsync();

        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Finished);
        var run = capture.Activities.Should().ContainSingle(a => a.OperationName == "invoke_agent openhands"
            && (string?)a.GetTagItem("gen_ai.conversation.id") == conversation.Id.ToString("N")).Subject;
        run.Parent.Should().BeNull();
        run.GetTagItem("gen_ai.operation.name").Should().Be("invoke_agent");
        run.GetTagItem("openhands.profile").Should().Be("otel");
        run.GetTagItem("openhands.conversation.status").Should().Be("finished");
        var trace = capture.Activities.Where(a => a.TraceId == run.TraceId).ToList();

        var steps = trace.Where(a => a.OperationName == "openhands.agent.step").OrderBy(a => a.StartTimeUtc).ToList();
        steps.Should().HaveCount(2).And.AllSatisfy(s => s.ParentSpanId.Should().Be(run.SpanId));
        steps.Select(s => s.GetTagItem("openhands.step.number")).Should().Equal(1, 2);

        var chats = trace.Where(a => a.OperationName == "chat " + model).OrderBy(a => a.StartTimeUtc).ToList();
        chats.Should().HaveCount(2);
        chats[0].ParentSpanId.Should().Be(steps[0].SpanId);
        chats[1].ParentSpanId.Should().Be(steps[1].SpanId);
        var chat = chats[0];
        chat.Kind.Should().Be(ActivityKind.Client);
        chat.GetTagItem("gen_ai.operation.name").Should().Be("chat");
        chat.GetTagItem("gen_ai.provider.name").Should().Be("openai");
        chat.GetTagItem("gen_ai.system").Should().Be("openai");
        chat.GetTagItem("gen_ai.request.model").Should().Be(model);
        chat.GetTagItem("gen_ai.response.model").Should().Be(model);
        chat.GetTagItem("gen_ai.usage.input_tokens").Should().Be(120L);
        chat.GetTagItem("gen_ai.usage.output_tokens").Should().Be(7L);
        chat.GetTagItem("gen_ai.response.finish_reasons").Should().BeEquivalentTo(new[] { "tool_calls" });
        chat.GetTagItem("server.address").Should().Be("127.0.0.1");
        chat.GetTagItem("server.port").Should().Be(new Uri(kit.Server.BaseUrl).Port);
        chats[1].GetTagItem("gen_ai.response.finish_reasons").Should().BeEquivalentTo(new[] { "stop" });

        var tool = trace.Should().ContainSingle(a => a.OperationName == "execute_tool terminal").Subject;
        tool.ParentSpanId.Should().Be(steps[0].SpanId);
        tool.GetTagItem("gen_ai.operation.name").Should().Be("execute_tool");
        tool.GetTagItem("gen_ai.tool.name").Should().Be("terminal");
        tool.GetTagItem("gen_ai.tool.call.id").Should().Be("call_otel_1");
        tool.Status.Should().Be(ActivityStatusCode.Unset);

        var tokens = capture.Measurements("gen_ai.client.token.usage").Where(m => (string?)m.Tag("gen_ai.request.model") == model).ToList();
        tokens.Where(m => (string?)m.Tag("gen_ai.token.type") == "input").Select(m => m.Value).Should().Equal(120L, 150L);
        tokens.Where(m => (string?)m.Tag("gen_ai.token.type") == "output").Select(m => m.Value).Should().Equal(7L, 9L);
        tokens.Should().AllSatisfy(m => m.Tag("gen_ai.response.model").Should().Be(model));
        capture.Measurements("gen_ai.client.operation.duration").Where(m => (string?)m.Tag("gen_ai.request.model") == model)
            .Should().HaveCount(2).And.AllSatisfy(m => Convert.ToDouble(m.Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(0));
        capture.Measurements("openhands.tool.duration").Should().Contain(m => (string?)m.Tag("gen_ai.tool.name") == "terminal");
        capture.Measurements("openhands.conversation.active").Select(m => m.Value).Should().Contain(1L).And.Contain(-1L);
        capture.Measurements("openhands.profile.resolves").Should().Contain(m => (string?)m.Tag("openhands.outcome") == "ok");

        var everything = capture.Dump(trace);
        everything.Should().NotContain(CanaryKey).And.NotContain("sk-test-canary");
        everything.Should().NotContain(ContentMarker, "message content is recorded only when the factory opts in");
    }

    [Test]
    public async Task RunAsync_CaptureMessageContent_RecordsContentWithTheKeyRedacted()
    {
        var model = "gpt-otel-" + Guid.NewGuid().ToString("N")[..8];
        using var capture = new TelemetryCapture();
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(
            FakeReply.ToolCall("terminal", $$"""{"command": "echo {{ContentMarker}}"}"""),
            FakeReply.Text("Done."));
        var factory = new ConversationFactory(new ConversationFactoryOptions { CaptureMessageContent = true });
        await using var conversation = await factory.StartAsync(ConversationTestKit.Agent(kit.Llm("openai/" + model, CanaryKey)), kit.Options());

        await conversation.SendMessageAsync($"Print {ContentMarker}, my key is {CanaryKey}.");
        await conversation.RunAsync();

        var run = capture.Activities.Single(a => (string?)a.GetTagItem("gen_ai.conversation.id") == conversation.Id.ToString("N") && a.Parent is null);
        var trace = capture.Activities.Where(a => a.TraceId == run.TraceId).ToList();
        var firstChat = trace.Where(a => a.OperationName == "chat " + model).OrderBy(a => a.StartTimeUtc).First();
        firstChat.Events.Should().Contain(e => e.Name == "gen_ai.user.message"
            && ((string?)e.Tags.First(t => t.Key == "gen_ai.event.content").Value)!.Contains(ContentMarker));
        trace.Single(a => a.OperationName == "execute_tool terminal").GetTagItem("gen_ai.tool.call.arguments").Should().Be($$"""{"command": "echo {{ContentMarker}}"}""");
        capture.Dump(trace).Should().NotContain(CanaryKey, "even opted-in content has the LLM's key masked");
    }

    /// <summary>Every OpenHands.Sdk span and measurement while alive (other tests' runs too: filter by trace or model).</summary>
    private sealed class TelemetryCapture : IDisposable
    {
        private readonly ActivityListener _activities;
        private readonly MeterListener _meters = new();
        private readonly ConcurrentQueue<Activity> _stopped = new();
        private readonly ConcurrentQueue<Measurement> _measurements = new();

        public TelemetryCapture()
        {
            _activities = new ActivityListener
            {
                ShouldListenTo = s => s.Name == "OpenHands.Sdk",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_activities);
            _meters.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "OpenHands.Sdk")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => _measurements.Enqueue(new(i.Name, v, tags.ToArray())));
            _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => _measurements.Enqueue(new(i.Name, v, tags.ToArray())));
            _meters.Start();
        }

        public IReadOnlyList<Activity> Activities => [.. _stopped];

        public IEnumerable<Measurement> Measurements(string instrument) => _measurements.Where(m => m.Instrument == instrument);

        /// <summary>Every name, tag, event, status text and measurement tag, as one text to scan.</summary>
        public string Dump(IEnumerable<Activity> activities)
        {
            var text = new StringBuilder();
            foreach (var a in activities)
            {
                text.AppendLine(a.OperationName + " " + a.DisplayName + " " + a.StatusDescription);
                foreach (var (key, value) in a.TagObjects)
                {
                    text.AppendLine(key + "=" + (value is string[] array ? string.Join(",", array) : value));
                }

                foreach (var e in a.Events)
                {
                    text.AppendLine(e.Name + " " + string.Join(" ", e.Tags.Select(t => t.Key + "=" + t.Value)));
                }
            }

            foreach (var m in _measurements)
            {
                text.AppendLine(m.Instrument + " " + m.Value + " " + string.Join(" ", m.Tags.Select(t => t.Key + "=" + t.Value)));
            }

            return text.ToString();
        }

        public void Dispose()
        {
            _activities.Dispose();
            _meters.Dispose();
        }
    }

    private sealed record Measurement(string Instrument, object Value, KeyValuePair<string, object?>[] Tags)
    {
        public object? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key).Value;
    }
}
