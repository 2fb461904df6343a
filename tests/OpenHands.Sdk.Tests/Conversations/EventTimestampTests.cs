using System.Globalization;
using System.Text;
using OpenHands.Sdk.Conversations.Internal;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>
/// An event's <c>timestamp</c> in every shape a file may hold: ISO 8601 is read by the JSON reader's own parser, anything
/// else by the lenient parse, and both give what the lenient parse alone gave (a time without an offset is local).
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Codec")]
public sealed class EventTimestampTests
{
    [TestCase("2026-06-16T05:39:48.701247", TestName = "naive, microseconds (the Python SDK)")]
    [TestCase("2026-06-16T05:39:48.701247+02:00", TestName = "with an offset (this SDK)")]
    [TestCase("2026-06-16T05:39:48.701247\\u002B02:00", TestName = "with an escaped plus sign")]
    [TestCase("2026-06-16T05:39:48Z", TestName = "UTC, no fraction")]
    [TestCase("2026-06-16T05:39:48", TestName = "naive, no fraction")]
    [TestCase("2026-06-16T05:39", TestName = "naive, no seconds")]
    [TestCase("2026-06-16", TestName = "a date alone")]
    [TestCase("2026-06-16 05:39:48.701247", TestName = "a space for the T")]
    [TestCase("2026-06-16T05:39:48.70124712345", TestName = "more than seven fraction digits")]
    [TestCase("16 Jun 2026 05:39:48 +02:00", TestName = "not ISO 8601")]
    public void Reads_every_shape_as_the_lenient_parse_does(string text)
    {
        var unescaped = text.Replace("\\u002B", "+", StringComparison.Ordinal);
        DateTimeOffset.TryParse(unescaped, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var expected).Should().BeTrue();

        var read = Read(text);
        read.Should().Be(expected);
        read.Offset.Should().Be(expected.Offset);
    }

    [TestCase("\"not a time\"")]
    [TestCase("\"2026-13-45T99:00:00\"")]
    [TestCase("12345")]
    [TestCase("null")]
    public void An_unreadable_timestamp_is_the_default(string value) =>
        ReadRaw(value).Should().Be(default(DateTimeOffset));

    private static DateTimeOffset Read(string text) => ReadRaw("\"" + text + "\"");

    private static DateTimeOffset ReadRaw(string value) =>
        EventJsonCodec.FromBytes(Encoding.UTF8.GetBytes($$"""{"id":"p1","timestamp":{{value}},"source":"user","kind":"PauseEvent"}""")).Timestamp;
}
