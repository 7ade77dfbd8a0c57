using System.Diagnostics;
using System.Net;
using MicroAgi.Llm.Errors;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// The HTTP layer under both SDKs (whose own retries are switched off, so that exactly one layer retries).
/// Per attempt it waits at most <see cref="ProviderSettings.RequestTimeout"/> for the response to begin, and
/// all attempts with their pauses together at most <see cref="ProviderSettings.RequestDeadline"/>;
/// it retries 408/429/5xx, timeouts and dropped connections with Polly (backoff with jitter, or the
/// server's <c>retry-after</c>, unless that outlasts the deadline); it announces every long wait
/// (<see cref="ProviderSettings.OnWaiting"/>); it turns a final failure into an <see cref="LlmException"/> with a clear,
/// key-free message (both SDKs let such exceptions through unchanged); it refuses an HTML page where the API
/// should be; and it guards response bodies with an idle timeout (and mends known flaws of some
/// OpenAI-compatible servers: a null <c>choices</c> in a stream, a complete JSON answer to a streaming request).
/// Retrying here means a stream is only ever retried before its first byte arrived.
/// </summary>
internal sealed class ResilientHttpHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<int> AttemptsKey = new("microagi.attempts");
    private static readonly ResiliencePropertyKey<long> StartedKey = new("microagi.started");

    private readonly ProviderSettings _settings;
    private readonly ProviderErrors _errors;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public ResilientHttpHandler(ProviderSettings settings, ProviderErrors errors, HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
        _settings = settings;
        _errors = errors;
        _pipeline = BuildPipeline(settings);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AttemptsKey, 0);
        context.Properties.Set(StartedKey, Stopwatch.GetTimestamp());
        HttpResponseMessage response;
        int attempts;
        try
        {
            response = await _pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    var attempt = ctx.Properties.GetValue(AttemptsKey, 0) + 1;
                    ctx.Properties.Set(AttemptsKey, attempt);
                    return await state.Handler.SendAttemptAsync(state.Request, attempt, ctx.Properties.GetValue(StartedKey, 0L), ctx.CancellationToken)
                        .ConfigureAwait(ctx.ContinueOnCapturedContext);
                },
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
            attempts = Attempts(context);
        }
        catch (TimeoutRejectedException)
        {
            throw _errors.Timeout(Attempts(context), Stopwatch.GetElapsedTime(context.Properties.GetValue(StartedKey, 0L)));
        }
        catch (HttpRequestException e)
        {
            throw _errors.FromTransport(e, Attempts(context));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            // A web page where the API should be: the base URL points at a site or a UI, not at the API root.
            response.Dispose();
            throw _errors.InvalidResponse($"an HTML page came back from {(request.RequestUri is { } url ? UrlRedactor.ForDisplay(url) : "the server")}; the base URL probably does not point at the API root");
        }
        if (response.IsSuccessStatusCode)
        {
            var openAI = _settings.Kind == ProviderKind.OpenAI;
            var asksForStream = StreamAwareTransport.AsksForStream(request);
            // A stream sent under another media type (text/plain, none) is still read as events, as the SDK
            // would; only JSON answering a streaming request is a complete completion to convert.
            var events = asksForStream
                ? response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) != true
                : response.Content.Headers.ContentType?.MediaType == "text/event-stream";
            response.Content = new WrappedContent(response.Content, body =>
            {
                Stream guarded = new IdleTimeoutStream(body, _settings.IdleTimeout, _errors.IdleTimeout, SilenceAnnouncer());
                if (!openAI) return guarded;
                if (events) return new OpenAIStreamRepairStream(guarded, _errors);
                // Not an event stream: a complete answer (perhaps to a streaming request), checked before the SDK reads it.
                var completion = new CheckedCompletionStream(guarded, _errors, asEventStream: asksForStream);
                return asksForStream ? new OpenAIStreamRepairStream(completion, _errors) : completion;
            });
            return response;
        }
        using (response)
        {
            var refusedWait = IsRetryableStatus(response.StatusCode) && RetryAfterTooLong(response, _settings.Retry);
            throw await _errors.FromResponseAsync(response, attempts, refusedWait, cancellationToken).ConfigureAwait(false);
        }
    }

    private static int Attempts(ResilienceContext context) => context.Properties.GetValue(AttemptsKey, 1);

    private async Task<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, int attempt, long started, CancellationToken cancellationToken)
    {
        using var announcer = _settings.OnWaiting is { } listener
            ? new WaitAnnouncer(_settings.WaitNoticeInterval, waited => listener(new LlmWaitNotice(
                MidResponse: false, waited, Left(_settings, started), attempt, _settings.Retry.MaxRetries + 1)))
            : null;
        announcer?.Arm();
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What announces a response body's silences, when someone listens.</summary>
    private WaitAnnouncer? SilenceAnnouncer() => _settings.OnWaiting is { } listener
        ? new WaitAnnouncer(_settings.WaitNoticeInterval, waited => listener(new LlmWaitNotice(
            MidResponse: true, waited, _settings.IdleTimeout > waited ? _settings.IdleTimeout - waited : TimeSpan.Zero)))
        : null;

    /// <summary>What remains of the deadline of a request that started at <paramref name="started"/>.</summary>
    private static TimeSpan Left(ProviderSettings settings, long started)
    {
        var left = settings.RequestDeadline - Stopwatch.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(ProviderSettings settings)
    {
        var retry = settings.Retry;
        // Outermost: one deadline for every attempt and every pause between them.
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddTimeout(new TimeoutStrategyOptions { Timeout = settings.RequestDeadline });
        if (retry.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = retry.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = retry.UseJitter,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    ShouldRetry(args.Outcome, retry) && !OutlastsDeadline(args.Outcome, Left(settings, args.Context.Properties.GetValue(StartedKey, 0L)))),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? ProviderErrors.RetryAfter(response.Headers) : null),
                OnRetry = args =>
                {
                    var response = args.Outcome.Result;
                    retry.OnRetry?.Invoke(new LlmRetryNotice(
                        args.AttemptNumber + 1,
                        args.RetryDelay,
                        Reason(args.Outcome),
                        response is null ? null : (int)response.StatusCode,
                        response is not null && ProviderErrors.RetryAfter(response.Headers) is not null,
                        Left(settings, args.Context.Properties.GetValue(StartedKey, 0L))));
                    response?.Dispose();
                    return default;
                },
            });
        }
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = settings.RequestTimeout });
        return builder.Build();
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, RetrySettings retry) => outcome switch
    {
        { Exception: TimeoutRejectedException } => true,
        { Exception: HttpRequestException e } => ProviderErrors.IsRetryable(e),
        { Result: { } response } => IsRetryableStatus(response.StatusCode) && ServerAllowsRetry(response) && !RetryAfterTooLong(response, retry),
        _ => false,
    };

    /// <summary>A server asking to wait past the deadline is not waited for: the error is reported at once.</summary>
    private static bool OutlastsDeadline(Outcome<HttpResponseMessage> outcome, TimeSpan left) =>
        outcome.Result is { } response && ProviderErrors.RetryAfter(response.Headers) is { } wait && wait >= left;

    private static bool IsRetryableStatus(HttpStatusCode status) =>
        (int)status is 408 or 429 or 500 or 502 or 503 or 504 or 529;

    /// <summary>OpenAI and Anthropic may say explicitly whether a retry helps (<c>x-should-retry</c>).</summary>
    private static bool ServerAllowsRetry(HttpResponseMessage response) =>
        !(response.Headers.TryGetValues("x-should-retry", out var values)
          && string.Equals(values.FirstOrDefault(), "false", StringComparison.OrdinalIgnoreCase));

    private static bool RetryAfterTooLong(HttpResponseMessage response, RetrySettings retry) =>
        ProviderErrors.RetryAfter(response.Headers) is { } wait && wait > retry.MaxRetryAfter;

    private static LlmErrorKind Reason(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException } => LlmErrorKind.Timeout,
        { Exception: HttpRequestException } => LlmErrorKind.ServerError,
        { Result: { } response } => ProviderErrors.KindOf(response.StatusCode),
        _ => LlmErrorKind.ServerError,
    };
}
