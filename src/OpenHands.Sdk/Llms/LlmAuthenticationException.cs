namespace OpenHands.Sdk.Llms;

/// <summary>The provider rejected the credentials (HTTP 401 or 403): the API key is missing, wrong, expired or not allowed to use the model. Not retried.</summary>
public sealed class LlmAuthenticationException : LlmException
{
    /// <summary>Initializes a new instance of the <see cref="LlmAuthenticationException"/> class.</summary>
    public LlmAuthenticationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmAuthenticationException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public LlmAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmAuthenticationException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmAuthenticationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmAuthenticationException"/> class with the call's details.</summary>
    /// <param name="message">What went wrong and how to fix it; must not contain secrets.</param>
    /// <param name="statusCode">The provider's HTTP status, or <see langword="null"/> when there was no HTTP answer.</param>
    /// <param name="model">The model of the call, with its provider prefix.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmAuthenticationException(string message, int? statusCode, string? model, Exception? innerException = null)
        : base(message, statusCode, model, innerException)
    {
    }
}
