using System.Diagnostics;
using System.Net.Http.Headers;
using MicroAgi.Llm.Errors;
using Microsoft.Extensions.Logging;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Logs each HTTP exchange with a provider — every attempt, under the retry layer — with its secrets redacted:
/// at <see cref="LogLevel.Debug"/> the request line, headers and the response status and time; at
/// <see cref="LogLevel.Trace"/> the request body too. Credential headers are masked whole; every other value,
/// the URL and the body go through the provider's redactor (API key, base-URL credentials), so a key that a
/// gateway takes in its query or a server echoes still never reaches the log. Logs nothing unless enabled.
/// </summary>
internal sealed partial class HttpExchangeLoggingHandler(ILogger<HttpExchangeLoggingHandler> logger, ProviderErrors errors, HttpMessageHandler inner)
    : DelegatingHandler(inner)
{
    private static readonly HashSet<string> CredentialHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "x-api-key", "api-key", "Cookie", "Set-Cookie",
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!logger.IsEnabled(LogLevel.Debug)) return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var url = request.RequestUri is { } uri ? errors.Redact(UrlRedactor.ForDisplay(uri)) : "";
        LogRequest(logger, request.Method.Method, url, Headers(request.Headers, request.Content?.Headers));
        if (logger.IsEnabled(LogLevel.Trace) && request.Content is { } content)
        {
            // Buffered first, so that reading it here leaves it for the transport to send.
            await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            LogRequestBody(logger, errors.Redact(await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)));
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            LogResponse(logger, (int)response.StatusCode, url, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                Headers(response.Headers, response.Content.Headers));
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            LogFailure(logger, url, Stopwatch.GetElapsedTime(started).TotalMilliseconds, errors.Redact(e.Message));
            throw;
        }
    }

    private string Headers(HttpHeaders headers, HttpHeaders? contentHeaders) =>
        string.Join("; ", headers.Concat(contentHeaders ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Select(h => $"{h.Key}: {(CredentialHeaders.Contains(h.Key) ? SecretRedactor.Mask : errors.Redact(string.Join(", ", h.Value)))}"));

    [LoggerMessage(Level = LogLevel.Debug, Message = "HTTP {Method} {Url} [{Headers}]")]
    private static partial void LogRequest(ILogger logger, string method, string url, string headers);

    [LoggerMessage(Level = LogLevel.Trace, Message = "HTTP request body: {Body}")]
    private static partial void LogRequestBody(ILogger logger, string body);

    [LoggerMessage(Level = LogLevel.Debug, Message = "HTTP {Status} from {Url} after {Milliseconds:F0} ms [{Headers}]")]
    private static partial void LogResponse(ILogger logger, int status, string url, double milliseconds, string headers);

    [LoggerMessage(Level = LogLevel.Debug, Message = "HTTP request to {Url} failed after {Milliseconds:F0} ms: {Error}")]
    private static partial void LogFailure(ILogger logger, string url, double milliseconds, string error);
}
