using MicroAgi.Llm.Providers;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// <c>retry:</c> in microagi.yaml, at the top level (every provider) or inside one provider (overriding the top
/// level key by key): how failed model requests are retried. What is not set keeps <see cref="RetrySettings.Default"/>.
/// </summary>
internal sealed class RetryConfig
{
    public const int MostRetries = 20;

    /// <summary>Retries after the first attempt; 0 fails at once.</summary>
    public int? MaxRetries { get; set; }

    /// <summary>The first backoff delay; each further retry waits about twice as long (with jitter).</summary>
    public double? BaseDelaySeconds { get; set; }

    /// <summary>The longest backoff delay.</summary>
    public double? MaxDelaySeconds { get; set; }

    /// <summary>The longest wait a server may ask for (retry-after) and still be waited for.</summary>
    public double? MaxRetryAfterSeconds { get; set; }

    /// <summary>The values of <paramref name="specific"/>, and those of <paramref name="general"/> where it sets none.</summary>
    public static RetryConfig Merge(RetryConfig? specific, RetryConfig? general) => new()
    {
        MaxRetries = specific?.MaxRetries ?? general?.MaxRetries,
        BaseDelaySeconds = specific?.BaseDelaySeconds ?? general?.BaseDelaySeconds,
        MaxDelaySeconds = specific?.MaxDelaySeconds ?? general?.MaxDelaySeconds,
        MaxRetryAfterSeconds = specific?.MaxRetryAfterSeconds ?? general?.MaxRetryAfterSeconds,
    };

    /// <returns>The first thing wrong with these values, each named as <c>{section}.key</c>; null when all is well.</returns>
    public string? Problem(string section)
    {
        var problem = ConfigNumbers.WholeProblem($"{section}.max_retries", MaxRetries, 0, MostRetries)
            ?? ConfigSeconds.Problem($"{section}.base_delay_seconds", BaseDelaySeconds)
            ?? ConfigSeconds.Problem($"{section}.max_delay_seconds", MaxDelaySeconds)
            ?? ConfigSeconds.Problem($"{section}.max_retry_after_seconds", MaxRetryAfterSeconds, least: 0);
        if (problem is not null) return problem;

        var defaults = RetrySettings.Default;
        var baseDelay = BaseDelaySeconds ?? defaults.BaseDelay.TotalSeconds;
        var maxDelay = MaxDelaySeconds ?? defaults.MaxDelay.TotalSeconds;
        return maxDelay < baseDelay
            ? $"{section}.max_delay_seconds ({Described(MaxDelaySeconds, maxDelay)}) must not be less than "
              + $"{section}.base_delay_seconds ({Described(BaseDelaySeconds, baseDelay)})"
            : null;
    }

    public RetrySettings ToSettings()
    {
        var defaults = RetrySettings.Default;
        return defaults with
        {
            MaxRetries = MaxRetries ?? defaults.MaxRetries,
            BaseDelay = ConfigSeconds.ToTimeSpan(BaseDelaySeconds) ?? defaults.BaseDelay,
            MaxDelay = ConfigSeconds.ToTimeSpan(MaxDelaySeconds) ?? defaults.MaxDelay,
            MaxRetryAfter = ConfigSeconds.ToTimeSpan(MaxRetryAfterSeconds) ?? defaults.MaxRetryAfter,
        };
    }

    private static string Described(double? configured, double effective) =>
        configured is null ? $"{ConfigSeconds.Text(effective)}, the default" : ConfigSeconds.Text(effective);
}
