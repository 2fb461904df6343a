namespace OpenHands.Sdk.Llms;

/// <summary>The conversation no longer fits the model's context window (an HTTP 400 that says so). Not retried: condense or shorten the conversation.</summary>
public sealed class LlmContextWindowExceededException : LlmException
{
    /// <summary>Initializes a new instance of the <see cref="LlmContextWindowExceededException"/> class.</summary>
    public LlmContextWindowExceededException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmContextWindowExceededException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public LlmContextWindowExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmContextWindowExceededException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmContextWindowExceededException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmContextWindowExceededException"/> class with the call's details.</summary>
    /// <param name="message">What went wrong and how to fix it; must not contain secrets.</param>
    /// <param name="statusCode">The provider's HTTP status, or <see langword="null"/> when there was no HTTP answer.</param>
    /// <param name="model">The model of the call, with its provider prefix.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmContextWindowExceededException(string message, int? statusCode, string? model, Exception? innerException = null)
        : base(message, statusCode, model, innerException)
    {
    }
}
