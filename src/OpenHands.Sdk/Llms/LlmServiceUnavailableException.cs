namespace OpenHands.Sdk.Llms;

/// <summary>The provider could not be reached or failed (a connection error or an HTTP 5xx), after every attempt allowed by <see cref="Llm.NumRetries"/>.</summary>
public sealed class LlmServiceUnavailableException : LlmException
{
    /// <summary>Initializes a new instance of the <see cref="LlmServiceUnavailableException"/> class.</summary>
    public LlmServiceUnavailableException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmServiceUnavailableException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public LlmServiceUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmServiceUnavailableException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmServiceUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmServiceUnavailableException"/> class with the call's details.</summary>
    /// <param name="message">What went wrong and how to fix it; must not contain secrets.</param>
    /// <param name="statusCode">The provider's HTTP status, or <see langword="null"/> when there was no HTTP answer.</param>
    /// <param name="model">The model of the call, with its provider prefix.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmServiceUnavailableException(string message, int? statusCode, string? model, Exception? innerException = null)
        : base(message, statusCode, model, innerException)
    {
    }
}
