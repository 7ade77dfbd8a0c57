namespace MicroAgi.Llm.Errors;

/// <summary>
/// A failure talking to a model provider. <see cref="Exception.Message"/> says what happened and what to do,
/// and never contains the API key: every text that came from the server is redacted before it gets here.
/// </summary>
public sealed class LlmException : Exception
{
    public LlmException(LlmErrorKind kind, string message, int? statusCode = null, int attempts = 1, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
        Attempts = attempts;
    }

    public LlmException()
        : this(LlmErrorKind.InvalidResponse, "the model provider failed")
    {
    }

    public LlmException(string message)
        : this(LlmErrorKind.InvalidResponse, message)
    {
    }

    public LlmException(string message, Exception innerException)
        : this(LlmErrorKind.InvalidResponse, message, innerException: innerException)
    {
    }

    public LlmErrorKind Kind { get; }

    /// <summary>The HTTP status of the last attempt, when there was one.</summary>
    public int? StatusCode { get; }

    /// <summary>How many HTTP attempts were made (1 + retries).</summary>
    public int Attempts { get; }

    /// <summary>Whether the same request may succeed later without any change on the caller's side.</summary>
    public bool IsTransient => Kind is LlmErrorKind.RateLimited or LlmErrorKind.ServerError or LlmErrorKind.Timeout;
}
