namespace OpenHands.Sdk.Llms;

/// <summary>The provider rejected the request (an HTTP 4xx other than 401, 403, 408 and 429, or a configuration that names no usable endpoint). Not retried.</summary>
public sealed class LlmBadRequestException : LlmException
{
    /// <summary>Initializes a new instance of the <see cref="LlmBadRequestException"/> class.</summary>
    public LlmBadRequestException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmBadRequestException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public LlmBadRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmBadRequestException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmBadRequestException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmBadRequestException"/> class with the call's details.</summary>
    /// <param name="message">What went wrong and how to fix it; must not contain secrets.</param>
    /// <param name="statusCode">The provider's HTTP status, or <see langword="null"/> when there was no HTTP answer.</param>
    /// <param name="model">The model of the call, with its provider prefix.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmBadRequestException(string message, int? statusCode, string? model, Exception? innerException = null)
        : base(message, statusCode, model, innerException)
    {
    }
}
