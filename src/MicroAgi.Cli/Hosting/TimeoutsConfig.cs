namespace MicroAgi.Cli.Hosting;

/// <summary>
/// <c>timeouts:</c> in microagi.yaml, at the top level (every provider) or inside one provider (overriding the
/// top level key by key): how long one model request may take. What is not set keeps the provider defaults.
/// </summary>
internal sealed class TimeoutsConfig
{
    /// <summary>How long one attempt may wait for the response to begin.</summary>
    public double? RequestSeconds { get; set; }

    /// <summary>How long one request may wait for its response to begin, every retry and pause together.</summary>
    public double? DeadlineSeconds { get; set; }

    /// <summary>How long a response that has begun may go without sending anything.</summary>
    public double? IdleSeconds { get; set; }

    /// <summary>How often a long wait is announced.</summary>
    public double? NoticeSeconds { get; set; }

    /// <summary>The values of <paramref name="specific"/>, and those of <paramref name="general"/> where it sets none.</summary>
    public static TimeoutsConfig Merge(TimeoutsConfig? specific, TimeoutsConfig? general) => new()
    {
        RequestSeconds = specific?.RequestSeconds ?? general?.RequestSeconds,
        DeadlineSeconds = specific?.DeadlineSeconds ?? general?.DeadlineSeconds,
        IdleSeconds = specific?.IdleSeconds ?? general?.IdleSeconds,
        NoticeSeconds = specific?.NoticeSeconds ?? general?.NoticeSeconds,
    };

    /// <returns>The first thing wrong with these values, each named as <c>{section}.key</c>; null when all is well.</returns>
    public string? Problem(string section) =>
        ConfigSeconds.Problem($"{section}.request_seconds", RequestSeconds)
        ?? ConfigSeconds.Problem($"{section}.deadline_seconds", DeadlineSeconds)
        ?? ConfigSeconds.Problem($"{section}.idle_seconds", IdleSeconds)
        ?? ConfigSeconds.Problem($"{section}.notice_seconds", NoticeSeconds);
}
