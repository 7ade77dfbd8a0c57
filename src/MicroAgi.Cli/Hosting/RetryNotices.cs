using System.Globalization;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// The retries of every model client of a session, for whoever wants to show them: the model clients are
/// built before anyone displays anything, so they report here and the display subscribes to <see cref="Retrying"/>.
/// </summary>
internal sealed class RetryNotices
{
    /// <summary>Raised on the thread of the request, just before it waits to retry.</summary>
    public event EventHandler<RetryNotice>? Retrying;

    /// <summary>The callback for <see cref="RetrySettings.OnRetry"/> of a provider that retries up to <paramref name="maxRetries"/> times.</summary>
    public Action<LlmRetryNotice> ListenerFor(int maxRetries) =>
        notice => Retrying?.Invoke(this, new RetryNotice(notice, maxRetries));
}

/// <summary>One retry about to happen, with the retry limit it counts against.</summary>
internal sealed record RetryNotice(LlmRetryNotice Details, int MaxRetries)
{
    /// <summary>One line for the user, e.g. <c>rate limited (429), retrying in 2 s (attempt 2 of 4)</c>.</summary>
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
        return $"{what}{status}, retrying in {wait} s (attempt {attempt} of {attempts})";
    }
}
