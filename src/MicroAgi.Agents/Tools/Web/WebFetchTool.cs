using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Lua.Modules;

namespace MicroAgi.Agents.Tools.Web;

/// <summary>
/// <c>web_fetch {url}</c>: the page as readable text (HTML converted, other text as it is), at most
/// 50,000 characters. Every connection — the first and each of at most 3 redirects — goes through the
/// same address policy as the Lua <c>http_client</c>: private, loopback and link-local addresses are
/// refused, however the address is spelt and whatever a name resolves to. Pages are cached for a few
/// minutes, so reading one again in the same task costs nothing.
/// </summary>
internal sealed class WebFetchTool
{
    public const long MaxBodyBytes = 5L * 1024 * 1024;
    private const int MaxCachedPages = 64;

    private readonly WebOptions _options;
    private readonly SafeHttpClient _http;
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, JsonObject Page)> _cache = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public WebFetchTool(WebOptions options, SafeHttpClient http, TimeProvider? time = null)
    {
        _options = options;
        _http = http;
        _time = time ?? TimeProvider.System;
    }

    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        if (!ToolResults.TryOptionalString(call.Arguments, "url", out var text, out var error)) return ToolResults.Error(error!);
        if (string.IsNullOrWhiteSpace(text)) return ToolResults.Error("'url' is required, e.g. {\"url\": \"https://example.com/page\"}");
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return ToolResults.Error($"'{text}' is not an http or https URL; give a full address such as https://example.com/page");
        var key = url.AbsoluteUri;
        if (_cache.TryGetValue(key, out var cached) && _time.GetUtcNow() - cached.At < _options.CacheFor)
            return ToolResults.Ok((JsonObject)cached.Page.DeepClone());

        HttpResult response;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        try
        {
            response = await _http.SendAsync(new HttpRequestSpec(HttpMethod.Get, url, [("Accept", "text/html,text/plain,application/json;q=0.9,*/*;q=0.5")], null, null, FollowRedirects: true), MaxBodyBytes, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ToolResults.Error($"{url.Host} did not answer within {_options.Timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or HttpClientProblem or BlockedAddressException or SocketException)
        {
            return ToolResults.Error($"could not fetch {url}: {Reason(ex)}");
        }

        if (response.Status >= 400)
            return ToolResults.Error($"{response.Url} answered HTTP {response.Status} {response.Reason}");
        var page = Page(response);
        if (_cache.Count >= MaxCachedPages) _cache.Clear();
        _cache[key] = (_time.GetUtcNow(), page);
        return ToolResults.Ok((JsonObject)page.DeepClone());
    }

    private JsonObject Page(HttpResult response)
    {
        var contentType = response.Headers.TryGetValue("content-type", out var type) ? type : "";
        var mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        var page = new JsonObject { ["url"] = response.Url, ["status"] = response.Status, ["content_type"] = mediaType };
        var isText = mediaType.StartsWith("text/", StringComparison.Ordinal) || mediaType is "" or "application/json" or "application/xml" or "application/xhtml+xml" or "application/javascript";
        if (!isText)
        {
            page["note"] = $"not a text page ({response.Body.Length} bytes of {mediaType}); its content is not shown";
            return page;
        }
        var body = Encoding.UTF8.GetString(response.Body);
        string content;
        if (mediaType is "text/html" or "application/xhtml+xml" || (mediaType == "" && body.TrimStart().StartsWith('<')))
        {
            var (title, text) = HtmlText.Convert(body);
            if (title is not null) page["title"] = title;
            content = text;
        }
        else
        {
            content = body;
        }
        if (content.Length > _options.MaxCharacters)
        {
            page["truncated"] = true;
            page["note"] = $"the page has {content.Length} characters; only the first {_options.MaxCharacters} are shown";
            content = content[.._options.MaxCharacters];
        }
        page["text"] = content;
        return page;
    }

    private static string Reason(Exception ex) =>
        ex is HttpRequestException { InnerException: { } inner } ? Reason(inner) : ex.Message;
}
