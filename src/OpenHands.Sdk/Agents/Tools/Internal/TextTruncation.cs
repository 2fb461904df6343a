using System.Globalization;

namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>Shortens long tool output by keeping its head and its tail around a marker that says how much was left out.</summary>
internal static class TextTruncation
{
    public static string Marker(long omitted) =>
        string.Create(CultureInfo.InvariantCulture, $"\n[... {omitted} characters omitted ...]\n");

    /// <summary>Returns <paramref name="text"/> unchanged when it fits in <paramref name="maxLength"/>, else its head and tail around a marker.</summary>
    public static string Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var headLength = SafeCut(text, maxLength / 2);
        var tailStart = SafeCut(text, text.Length - (maxLength - (maxLength / 2)));
        return string.Concat(text.AsSpan(0, headLength), Marker(tailStart - headLength), text.AsSpan(tailStart));
    }

    /// <summary>Moves a cut position off the middle of a surrogate pair, so no half character is kept.</summary>
    public static int SafeCut(string text, int index) =>
        index > 0 && index < text.Length && char.IsLowSurrogate(text[index]) && char.IsHighSurrogate(text[index - 1]) ? index - 1 : index;
}
