using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Llm.Errors;

/// <summary>
/// Builds <see cref="LlmException"/>s for one provider and model: turns HTTP failures and transport errors
/// into messages that say what happened and what to do. The base URL is shown without the credentials it may
/// carry; server text is shortened and redacted (the key, and those credentials). SDK exceptions are never
/// attached as inner exceptions, because their messages carry response bodies.
/// </summary>
internal sealed class ProviderErrors(ProviderSettings settings, string providerModel)
{
    private const int MaxServerMessageLength = 400;
    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly SecretRedactor _redactor = new([settings.ApiKey, .. UrlRedactor.SecretsIn(settings.EffectiveBaseUrl)]);

    public string Redact(string? text) => _redactor.Redact(text);

    public static LlmErrorKind KindOf(HttpStatusCode status) => (int)status switch
    {
        401 => LlmErrorKind.Unauthorized,
        403 => LlmErrorKind.Forbidden,
        404 => LlmErrorKind.ModelNotFound,
        408 => LlmErrorKind.Timeout,
        429 => LlmErrorKind.RateLimited,
        >= 500 => LlmErrorKind.ServerError,
        _ => LlmErrorKind.BadRequest,
    };

    public async Task<LlmException> FromResponseAsync(HttpResponseMessage response, int attempts, bool retryAfterTooLong, CancellationToken cancellationToken)
    {
        var serverMessage = await ServerMessageAsync(response, cancellationToken).ConfigureAwait(false);
        return FromStatus((int)response.StatusCode, serverMessage, attempts, retryAfterTooLong ? RetryAfter(response.Headers) : null);
    }

    public LlmException FromStatus(int status, string? serverMessage, int attempts, TimeSpan? refusedRetryAfter = null)
    {
        var said = string.IsNullOrWhiteSpace(serverMessage) ? "" : $": {Shorten(Redact(serverMessage))}";
        var where = $"{settings.DisplayName} at {settings.DisplayBaseUrl}";
        var tries = attempts > 1 ? $" after {attempts} attempts" : "";
        var kind = KindOf((HttpStatusCode)status);
        if (kind == LlmErrorKind.BadRequest && (status == 413 || SaysContextTooLong(serverMessage))) kind = LlmErrorKind.ContextTooLong;
        var message = kind switch
        {
            LlmErrorKind.Unauthorized =>
                $"{where} rejected the API key (HTTP 401){said}. {Capitalize(settings.EffectiveKeyHint)}.",
            LlmErrorKind.Forbidden =>
                $"{where} refused access to model '{providerModel}' (HTTP 403){said}. Check that the key may use this model.",
            LlmErrorKind.ModelNotFound =>
                $"{where} does not know model '{providerModel}' (HTTP 404){said}. Check the model name (--model), "
                + $"and that the base URL is the API root ({ApiRootExample}).",
            LlmErrorKind.ContextTooLong =>
                $"{where} says the request is too long for model '{providerModel}' (HTTP {status}){said}. "
                + "The conversation no longer fits the model's context window; it has to be compressed or started anew.",
            LlmErrorKind.RateLimited when refusedRetryAfter is { } wait =>
                $"{where} is rate limiting requests (HTTP 429){said}. It asks to wait {Seconds(wait)}, longer than the "
                + $"{Seconds(settings.Retry.MaxRetryAfter)} retries may wait; try again later.",
            LlmErrorKind.RateLimited =>
                $"{where} is rate limiting requests (HTTP 429){tries}{said}. Wait a little and try again, or raise the provider's limits.",
            LlmErrorKind.Timeout =>
                $"{where} timed out (HTTP {status}){tries}{said}. Try again later.",
            LlmErrorKind.ServerError =>
                $"{where} failed with HTTP {status}{tries}{said}. The server has a problem; try again later.",
            _ =>
                $"{where} rejected the request for model '{providerModel}' (HTTP {status}){said}.",
        };
        return new LlmException(kind, message, status, attempts);
    }

    /// <summary>The wordings servers use for a prompt over the context window (OpenAI and vLLM "maximum context
    /// length", OpenAI's code <c>context_length_exceeded</c>, Anthropic "prompt is too long", llama.cpp "exceeds the
    /// available context size", others "context window", "too many tokens").</summary>
    private static readonly string[] ContextTooLongWordings =
    [
        "context length", "context_length", "context size", "context window", "prompt is too long",
        "too many tokens", "maximum number of tokens", "input is too long", "exceed_context_size",
    ];

    internal static bool SaysContextTooLong(string? serverMessage) =>
        serverMessage is not null && ContextTooLongWordings.Any(w => serverMessage.Contains(w, StringComparison.OrdinalIgnoreCase));

    private string ApiRootExample => settings.Kind == ProviderKind.Anthropic
        ? "without /v1, e.g. https://api.anthropic.com"
        : "up to and including /v1, e.g. http://localhost:11434/v1 for Ollama";

    private string BaseUrlSources => settings.Kind == ProviderKind.Anthropic
        ? "--base-url, or the provider's base_url in microagi.yaml"
        : "--base-url, OPENAI_BASE_URL, or the provider's base_url in microagi.yaml";

    /// <param name="elapsed">How long the request waited, every attempt and pause together, when known.</param>
    public LlmException Timeout(int attempts, TimeSpan? elapsed = null) =>
        new(LlmErrorKind.Timeout,
            $"{settings.DisplayName} at {settings.DisplayBaseUrl} did not start answering: {(elapsed is { } waited ? Seconds(waited) + " waited" : "gave up")} in "
            + $"{(attempts == 1 ? "1 attempt" : $"{attempts} attempts")} (each may wait {Seconds(settings.RequestTimeout)}, all together {Seconds(settings.RequestDeadline)}). "
            + "The server may be overloaded or the model still loading; try again, or raise timeouts.request_seconds and timeouts.deadline_seconds.",
            attempts: attempts);

    public LlmException IdleTimeout() =>
        new(LlmErrorKind.Timeout,
            $"{settings.DisplayName} at {settings.DisplayBaseUrl} sent nothing for {Seconds(settings.IdleTimeout)} in the middle of a response; "
            + "the response was abandoned. Try again, or raise timeouts.idle_seconds for a model that pauses longer.");

    public LlmException FromTransport(HttpRequestException exception, int attempts)
    {
        var where = $"{settings.DisplayName} at {settings.DisplayBaseUrl}";
        var detail = Shorten(Redact(exception.Message));
        if (exception.HttpRequestError == HttpRequestError.ResponseEnded)
            return new LlmException(LlmErrorKind.ServerError,
                $"{where} closed the connection without answering{(attempts > 1 ? $" ({attempts} attempts)" : "")} ({detail}). Try again later.",
                attempts: attempts, innerException: exception);
        return new LlmException(LlmErrorKind.Unreachable,
            $"cannot reach {where}: {detail}. Is the server running, and is the base URL right ({BaseUrlSources})?",
            attempts: attempts, innerException: exception);
    }

    public LlmException Truncated(string detail, Exception? transportError = null) =>
        new(LlmErrorKind.Truncated,
            $"the response from {settings.DisplayName} at {settings.DisplayBaseUrl} ended before it was complete ({Redact(detail)}); "
            + "the partial answer was discarded. Try again.",
            innerException: transportError is HttpRequestException or IOException ? transportError : null);

    public LlmException InvalidResponse(string detail) =>
        new(LlmErrorKind.InvalidResponse,
            $"{settings.DisplayName} at {settings.DisplayBaseUrl} sent a response that could not be understood ({Shorten(Redact(detail))}). "
            + "Is it really an " + (settings.Kind == ProviderKind.Anthropic ? "Anthropic" : "OpenAI") + "-compatible API?");

    /// <summary>A successful (200) answer that is not a chat completion — typically an error object from a server
    /// that does not use error statuses; its message (or the body) is shown.</summary>
    public LlmException NotACompletion(string body) =>
        InvalidResponse($"an HTTP 200 answer that is not a chat completion: {MessageFromBody(body) ?? "an empty body"}");

    /// <summary>Whether a transport error is worth another attempt: a dropped connection or reset is; a refused
    /// connection or an unknown host is not (nothing will be listening a second later either, and the user
    /// should learn that at once).</summary>
    public static bool IsRetryable(HttpRequestException exception) =>
        exception.HttpRequestError switch
        {
            HttpRequestError.ResponseEnded => true,
            HttpRequestError.ConnectionError => exception.InnerException is not SocketException
            {
                SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable,
            },
            _ => false,
        };

    /// <summary>The delay a server asks for: <c>retry-after-ms</c>, else <c>retry-after</c> (seconds or an HTTP date).
    /// A delay too long for a <see cref="TimeSpan"/> (<c>1e309</c>) is <see cref="TimeSpan.MaxValue"/>: still a
    /// wait too long to honour, never an overflow.</summary>
    public static TimeSpan? RetryAfter(HttpResponseHeaders headers)
    {
        if (headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
            return Clamped(millis / 1000);
        if (headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta) return delta;
            if (retryAfter.Date is { } date)
            {
                var wait = date - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }
        // Some servers send fractional seconds, which the typed header rejects.
        if (headers.TryGetValues("retry-after", out var raw)
            && double.TryParse(raw.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return Clamped(seconds);
        return null;
    }

    private static TimeSpan Clamped(double seconds) =>
        seconds < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.MaxValue;

    private static async Task<string?> ServerMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[MaxErrorBodyBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
                length += read;
            body = System.Text.Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return null; // the status says enough
        }
        return MessageFromBody(body);
    }

    /// <summary>The human part of an error body: <c>error.message</c> (OpenAI and Anthropic), <c>message</c>,
    /// <c>detail</c>, <c>error</c> as a string; else the body itself.</summary>
    internal static string? MessageFromBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.String) return error.GetString();
                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                        return m.GetString();
                }
                foreach (var name in (string[])["message", "detail"])
                    if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                        return value.GetString();
            }
        }
        catch (JsonException)
        {
            // not JSON: an HTML error page or plain text
        }
        return body;
    }

    private static string Shorten(string text)
    {
        var flat = string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return flat.Length <= MaxServerMessageLength ? flat.TrimEnd('.') : flat[..MaxServerMessageLength] + "…";
    }

    private static string Seconds(TimeSpan span) =>
        span == TimeSpan.MaxValue ? "practically forever"
        : span.TotalSeconds >= 1 ? $"{span.TotalSeconds:0.#} s" : $"{span.TotalMilliseconds:0} ms";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
