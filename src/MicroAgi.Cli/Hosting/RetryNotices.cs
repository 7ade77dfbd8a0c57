using System.Globalization;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// The retries and long waits of every model client of a session, for whoever wants to show them: the model
/// clients are built before anyone displays anything, so they report here and the display subscribes to
/// <see cref="Retrying"/> and <see cref="Waiting"/>.
/// </summary>
internal sealed class RetryNotices
{
    /// <summary>Raised on the thread of the request, just before it waits to retry.</summary>
    public event EventHandler<RetryNotice>? Retrying;

    /// <summary>Raised on a timer thread while a request waits for its response, or a response for its next bytes.</summary>
    public event EventHandler<WaitNotice>? Waiting;

    /// <summary>The callback for <see cref="RetrySettings.OnRetry"/> of a provider that retries up to <paramref name="maxRetries"/> times.</summary>
    public Action<LlmRetryNotice> ListenerFor(int maxRetries) =>
        notice => Retrying?.Invoke(this, new RetryNotice(notice, maxRetries));

    /// <summary>The callback for <see cref="ProviderSettings.OnWaiting"/>.</summary>
    public Action<LlmWaitNotice> WaitListener() =>
        notice => Waiting?.Invoke(this, new WaitNotice(notice));
}

/// <summary>One retry about to happen, with the retry limit it counts against.</summary>
internal sealed record RetryNotice(LlmRetryNotice Details, int MaxRetries)
{
    /// <summary>One line for the user, e.g. <c>rate limited (429), retrying in 2 s (attempt 2 of 4, 170 s left)</c>.</summary>
    public string Describe()
    {
        var what = (Details.Reason, Details.StatusCode) switch
        {
            (LlmErrorKind.RateLimited, _) => "rate limited",
            (LlmErrorKind.Timeout, null) => "no answer in time",
            (LlmErrorKind.Timeout, _) => "timed out",
            (_, null) => "connection lost",
            _ => "server error",
        };
        var status = Details.StatusCode is { } code ? $" ({code.ToString(CultureInfo.InvariantCulture)})" : "";
        var wait = Details.Delay.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture);
        var attempt = (Details.Retry + 1).ToString(CultureInfo.InvariantCulture);
        var attempts = (MaxRetries + 1).ToString(CultureInfo.InvariantCulture);
        var left = Details.Left is { } remaining ? $", {WaitNotice.Seconds(remaining)} left" : "";
        return $"{what}{status}, retrying in {wait} s (attempt {attempt} of {attempts}{left})";
    }
}

/// <summary>A request still waiting, as the user reads it.</summary>
internal sealed record WaitNotice(LlmWaitNotice Details)
{
    /// <summary>One line, e.g. <c>waiting for the model… 10 s so far (attempt 1 of 4, 170 s left)</c>.</summary>
    public string Describe() => Details.MidResponse
        ? $"the model has sent nothing for {Seconds(Details.Waited)}… (giving up in {Seconds(Details.Left)})"
        : $"waiting for the model… {Seconds(Details.Waited)} so far (attempt {Details.Attempt.ToString(CultureInfo.InvariantCulture)} of "
          + $"{Details.Attempts.ToString(CultureInfo.InvariantCulture)}, {Seconds(Details.Left)} left)";

    /// <summary>Whole seconds, rounded up below ten so a short wait never reads "0 s".</summary>
    internal static string Seconds(TimeSpan span) =>
        (span.TotalSeconds >= 10 ? Math.Round(span.TotalSeconds) : Math.Round(span.TotalSeconds, 1)).ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
