namespace MicroAgi.Llm.Errors;

/// <summary>What went wrong talking to a model, in terms a caller can act on.</summary>
public enum LlmErrorKind
{
    /// <summary>The server rejected the API key (HTTP 401).</summary>
    Unauthorized,

    /// <summary>The key is valid but may not use this model or endpoint (HTTP 403).</summary>
    Forbidden,

    /// <summary>The server does not know the model, or the base URL points at the wrong path (HTTP 404).</summary>
    ModelNotFound,

    /// <summary>The server rejected the request as malformed or too large (HTTP 400, 413, 422).</summary>
    BadRequest,

    /// <summary>The request is longer than the model's context window (a 400 that says so, or 413): shorten the
    /// conversation and send it again.</summary>
    ContextTooLong,

    /// <summary>Too many requests (HTTP 429), after the retries allowed.</summary>
    RateLimited,

    /// <summary>The server failed (HTTP 5xx), after the retries allowed.</summary>
    ServerError,

    /// <summary>No connection could be made: nothing listens at the base URL, or the host is unknown.</summary>
    Unreachable,

    /// <summary>The server did not answer in time, after the retries allowed.</summary>
    Timeout,

    /// <summary>The response stopped before it was complete (connection cut, or a stream without an end).</summary>
    Truncated,

    /// <summary>The server answered something the client could not understand.</summary>
    InvalidResponse,
}
