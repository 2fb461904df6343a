namespace OpenHands.Sdk.Llms;

/// <summary>An attempt of the LLM call took longer than <see cref="Llm.Timeout"/> (or the provider answered HTTP 408), on the last attempt allowed by <see cref="Llm.NumRetries"/>.</summary>
public sealed class LlmTimeoutException : LlmException
{
    /// <summary>Initializes a new instance of the <see cref="LlmTimeoutException"/> class.</summary>
    public LlmTimeoutException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmTimeoutException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public LlmTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmTimeoutException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmTimeoutException"/> class with the call's details.</summary>
    /// <param name="message">What went wrong; must not contain secrets.</param>
    /// <param name="model">The model of the call, with its provider prefix.</param>
    /// <param name="timeout">The time allowed for one attempt, if known.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmTimeoutException(string message, string? model, TimeSpan? timeout, Exception? innerException = null)
        : base(message, null, model, innerException)
    {
        Timeout = timeout;
    }

    /// <summary>Gets the time allowed for one attempt, or <see langword="null"/> when it is not known.</summary>
    public TimeSpan? Timeout { get; }
}
