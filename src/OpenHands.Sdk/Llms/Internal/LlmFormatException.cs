namespace OpenHands.Sdk.Llms.Internal;

/// <summary>A JSON document does not describe a valid <see cref="Llm"/>; callers wrap it in a public exception naming the document.</summary>
internal sealed class LlmFormatException : Exception
{
    public LlmFormatException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public LlmFormatException()
    {
    }

    public LlmFormatException(string message)
        : base(message)
    {
    }
}
