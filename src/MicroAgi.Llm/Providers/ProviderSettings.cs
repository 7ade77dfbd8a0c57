using MicroAgi.Llm.Errors;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Where and how to reach one provider. The configuration layer builds these (from <c>microagi.yaml</c>,
/// the environment and flags); <see cref="ChatClientFactory"/> turns them into chat clients.
/// <see cref="ToString"/> never shows the key, nor credentials in the base URL.
/// </summary>
public sealed class ProviderSettings
{
    /// <summary>The official endpoints, used when <see cref="BaseUrl"/> is not set.</summary>
    public static Uri OpenAIDefaultBaseUrl { get; } = new("https://api.openai.com/v1");

    public static Uri AnthropicDefaultBaseUrl { get; } = new("https://api.anthropic.com");

    public required ProviderKind Kind { get; init; }

    /// <summary>
    /// The name model entries use to pick their provider binding (<c>providers: [{id: …}]</c>). A binding
    /// matches when its id equals this, or when this is not set and the binding id names the kind
    /// (contains <c>openai</c> / <c>anthropic</c>).
    /// </summary>
    public string? Id { get; init; }

    /// <summary>
    /// The API root. OpenAI-compatible servers are given up to and including <c>/v1</c>
    /// (<c>http://localhost:11434/v1</c>); Anthropic without it (<c>https://api.anthropic.com</c>).
    /// </summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>The key; local servers that need none may leave it empty (a placeholder is sent).</summary>
    public string? ApiKey { get; init; }

    /// <summary>What to tell the user when the key is rejected, e.g. <c>set OPENAI_API_KEY</c>.</summary>
    public string? KeyHint { get; init; }

    public RetrySettings Retry { get; init; } = RetrySettings.Default;

    /// <summary>How long one attempt may wait for the response to begin (its status and headers).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// How long one request may wait for its response to begin, every attempt and every pause between
    /// retries together: a server that never answers costs this much, not retries × <see cref="RequestTimeout"/>.
    /// </summary>
    public TimeSpan RequestDeadline { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>How long a response body (a stream, mostly) may go without sending anything.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Told every <see cref="WaitNoticeInterval"/> while a request waits for its response, or a
    /// response for its next bytes, so that a user sees why nothing happens (and for how much longer).</summary>
    public Action<LlmWaitNotice>? OnWaiting { get; init; }

    /// <summary>How often <see cref="OnWaiting"/> is told about one wait.</summary>
    public TimeSpan WaitNoticeInterval { get; init; } = TimeSpan.FromSeconds(10);

    public Uri EffectiveBaseUrl => BaseUrl ?? (Kind == ProviderKind.Anthropic ? AnthropicDefaultBaseUrl : OpenAIDefaultBaseUrl);

    /// <summary>The base URL as messages show it: without user-info, query values masked (they may hold credentials).</summary>
    public string DisplayBaseUrl => UrlRedactor.ForDisplay(EffectiveBaseUrl);

    /// <summary>How the provider is named in messages.</summary>
    public string DisplayName => Id ?? (Kind == ProviderKind.Anthropic ? "Anthropic" : "OpenAI-compatible server");

    internal string EffectiveKeyHint => KeyHint ?? (Kind == ProviderKind.Anthropic
        ? "check ANTHROPIC_API_KEY (or the key configured for this provider)"
        : "check OPENAI_API_KEY (or the key configured for this provider)");

    internal void Validate()
    {
        if (!Enum.IsDefined(Kind))
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown provider kind; use OpenAI or Anthropic");
        if (BaseUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
            throw new ArgumentException($"base URL '{UrlRedactor.ForDisplay(url)}' must be an absolute http or https URL, e.g. http://localhost:11434/v1", nameof(BaseUrl));
        if (RequestTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "the request timeout must be positive");
        if (RequestDeadline <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RequestDeadline), RequestDeadline, "the request deadline must be positive");
        if (WaitNoticeInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(WaitNoticeInterval), WaitNoticeInterval, "the interval between wait notices must be positive");
        if (IdleTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(IdleTimeout), IdleTimeout, "the idle timeout must be positive");
        ArgumentNullException.ThrowIfNull(Retry);
        Retry.Validate();
    }

    public override string ToString() =>
        $"{Kind} provider '{DisplayName}' at {DisplayBaseUrl} ({(string.IsNullOrEmpty(ApiKey) ? "no key" : "key set")})";
}
