using OpenHands.Sdk.Agents.Tools.Internal;

namespace OpenHands.Sdk.Tests.Agents.Tools;

/// <summary>Long output keeps its head and tail around a marker, in bounded memory, and never splits a character.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Tools")]
public sealed class OutputTruncationTests
{
    [Test]
    public void Truncate_ShortText_IsUnchanged()
    {
        TextTruncation.Truncate("abc", 100).Should().Be("abc");
    }

    [Test]
    public void Truncate_LongText_KeepsHeadAndTailAndCountsOmitted()
    {
        var text = new string('a', 100) + new string('b', 800) + new string('c', 100);

        var result = TextTruncation.Truncate(text, 200);

        result.Should().Be(new string('a', 100) + "\n[... 800 characters omitted ...]\n" + new string('c', 100));
    }

    [Test]
    public void Truncate_CutInsideSurrogatePair_KeepsWholeCharacters()
    {
        var text = new string('x', 9) + "🚀" + new string('y', 50) + "🚀" + new string('z', 9);

        var result = TextTruncation.Truncate(text, 20);

        result.Should().StartWith(new string('x', 9) + "\n[").And.EndWith("]\n🚀" + new string('z', 9));
        AssertWellFormed(result);
    }

    [Test]
    public void BoundedOutput_ManyChunks_KeepsFirstAndLastCharacters()
    {
        var output = new BoundedOutput(100);
        for (var i = 0; i < 10_000; i++)
        {
            output.Append($"{i:D5}\n");
        }

        var text = output.Render();

        text.Should().StartWith("00000\n00001\n");
        text.Should().EndWith("09998\n09999\n");
        text.Should().Contain($"[... {(10_000 * 6) - 100} characters omitted ...]");
    }

    [Test]
    public void BoundedOutput_WithinBudget_ReturnsEverything()
    {
        var output = new BoundedOutput(100);
        output.Append("hello ");
        output.Append("world");

        output.Render().Should().Be("hello world");
    }

    [Test]
    public void BoundedOutput_SurrogatePairsAtBoundaries_AreNeverSplit()
    {
        var output = new BoundedOutput(10);
        for (var i = 0; i < 100; i++)
        {
            output.Append("🚀a");
        }

        AssertWellFormed(output.Render());
    }

    private static void AssertWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                char.IsLowSurrogate(text[i + 1]).Should().BeTrue();
                i++;
            }
            else
            {
                char.IsLowSurrogate(text[i]).Should().BeFalse();
            }
        }
    }
}
