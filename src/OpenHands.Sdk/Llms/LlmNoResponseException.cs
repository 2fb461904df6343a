namespace OpenHands.Sdk.Llms;

/// <summary>The provider answered without a usable reply (no choices, or neither text nor tool calls), after every attempt allowed by <see cref="Llm.NumRetries"/>.</summary>
public sealed class LlmNoResponseException : LlmException
{
    /// <summary>Initializes a new instance of the <see cref="LlmNoResponseException"/> class.</summary>
    public LlmNoResponseException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmNoResponseException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public LlmNoResponseException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmNoResponseException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmNoResponseException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmNoResponseException"/> class with the call's details.</summary>
    /// <param name="message">What went wrong; must not contain secrets.</param>
    /// <param name="model">The model of the call, with its provider prefix.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LlmNoResponseException(string message, string? model, Exception? innerException)
        : base(message, null, model, innerException)
    {
    }
}
