namespace OpenHands.Sdk.Llms;

/// <summary>
/// Base type of the failures of an LLM call: the provider refused the request, could not be reached, timed out
/// or answered with nothing. Catch it to handle every LLM failure in one place.
/// </summary>
/// <remarks>
/// Messages name the provider, the model and the HTTP status, and quote the provider's error text with every
/// secret of the <see cref="Llm"/> replaced by <c>**********</c>. They never contain an API key.
/// </remarks>
public abstract class LlmException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="LlmException"/> class.</summary>
    protected LlmException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    protected LlmException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    protected LlmException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmException"/> class with the call's details.</summary>
    /// <param name="message">What went wrong and how to fix it; must not contain secrets.</param>
    /// <param name="statusCode">The provider's HTTP status, or <see langword="null"/> when there was no HTTP answer.</param>
    /// <param name="model">The model of the call, with its provider prefix.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    protected LlmException(string message, int? statusCode, string? model, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Model = model;
    }

    /// <summary>Gets the provider's HTTP status, or <see langword="null"/> when there was no HTTP answer.</summary>
    public int? StatusCode { get; }

    /// <summary>Gets the model of the call, with its provider prefix (for example <c>openai/gpt-4o</c>).</summary>
    public string? Model { get; }

    /// <summary>Gets how long the provider asked to wait before the next attempt (a <c>Retry-After</c> header).</summary>
    internal TimeSpan? RetryAfterHint { get; init; }
}
