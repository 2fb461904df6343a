namespace OpenHands.Sdk.Llms;

/// <summary>The provider is rate limiting the caller (HTTP 429), after every attempt allowed by <see cref="Llm.NumRetries"/>.</summary>
public sealed class LlmRateLimitException : LlmException
{
    /// <summary>Initializes a new instance of the <see cref="LlmRateLimitException"/> class.</summary>
    public LlmRateLimitException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmRateLimitException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public LlmRateLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmRateLimitException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmRateLimitException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmRateLimitException"/> class with the call's details.</summary>
    /// <param name="message">What went wrong; must not contain secrets.</param>
    /// <param name="model">The model of the call, with its provider prefix.</param>
    /// <param name="retryAfter">How long the provider asked to wait (its <c>Retry-After</c> header), if it said.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmRateLimitException(string message, string? model, TimeSpan? retryAfter, Exception? innerException = null)
        : base(message, 429, model, innerException)
    {
        RetryAfter = retryAfter;
        RetryAfterHint = retryAfter;
    }

    /// <summary>Gets how long the provider asked to wait (its <c>Retry-After</c> header), or <see langword="null"/> if it did not say.</summary>
    public TimeSpan? RetryAfter { get; }
}
