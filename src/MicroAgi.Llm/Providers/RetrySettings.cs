using MicroAgi.Llm.Errors;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// How failed requests are retried: rate limits (429), server errors (408, 500, 502, 503, 504, 529) and
/// timeouts, at most <see cref="MaxRetries"/> times, with exponential backoff from <see cref="BaseDelay"/>
/// (with jitter) unless the server says how long to wait (<c>retry-after-ms</c> / <c>retry-after</c>).
/// A server asking for more than <see cref="MaxRetryAfter"/> is not waited for: the error is reported at
/// once. Only the request is retried, never a stream that has started to arrive.
/// </summary>
public sealed record RetrySettings
{
    public int MaxRetries { get; init; } = 3;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);
    public bool UseJitter { get; init; } = true;

    /// <summary>Called before each retry (e.g. to tell the user "rate limited, retrying in 2 s").</summary>
    public Action<LlmRetryNotice>? OnRetry { get; init; }

    public static RetrySettings Default { get; } = new();

    /// <summary>Fail on the first error.</summary>
    public static RetrySettings None { get; } = new() { MaxRetries = 0 };

    internal void Validate()
    {
        if (MaxRetries is < 0 or > 20)
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "retries must be between 0 and 20");
        if (BaseDelay <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(BaseDelay), BaseDelay, "the retry base delay must be positive");
        if (MaxDelay < BaseDelay)
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "the longest retry delay must not be shorter than the base delay");
        if (MaxRetryAfter < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(MaxRetryAfter), MaxRetryAfter, "the longest accepted retry-after must not be negative");
    }
}

/// <summary>A retry about to happen: the <paramref name="Retry"/>-th retry, after <paramref name="Delay"/>,
/// because of <paramref name="Reason"/>; <paramref name="DelayFromServer"/> when the server set the delay;
/// <paramref name="Left"/> is what remains of the request's deadline.</summary>
public sealed record LlmRetryNotice(int Retry, TimeSpan Delay, LlmErrorKind Reason, int? StatusCode, bool DelayFromServer, TimeSpan? Left = null);

/// <summary>A request still waiting: for its response to begin (<paramref name="MidResponse"/> false; attempt
/// <paramref name="Attempt"/> of <paramref name="Attempts"/>), or for the next bytes of a response that has begun.
/// <paramref name="Waited"/> so far; <paramref name="Left"/> until it is given up.</summary>
public sealed record LlmWaitNotice(bool MidResponse, TimeSpan Waited, TimeSpan Left, int Attempt = 1, int Attempts = 1);
