using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace MicroAgi.Lua.Modules;

/// <summary>
/// The HTTP client behind http_client. It resolves names itself and connects only to addresses the
/// <see cref="AddressPolicy"/> allows — so a name that resolves to 127.0.0.1, or a redirect to a
/// private address, is refused at connect time. No proxy is used (a proxy would hide the target).
/// </summary>
public sealed class SafeHttpClient : IDisposable
{
    private readonly HttpClient _client;
    private readonly AddressPolicy _policy;

    public SafeHttpClient(HttpClientOptions options)
    {
        Options = options;
        _policy = new AddressPolicy(options);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxResponseHeadersLength = 256,
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public HttpClientOptions Options { get; }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        // RFC 6761: names under .invalid never resolve, so resolvers should not be asked (a slow one
        // would spend the tool's deadline on a name that cannot exist).
        if (host.Equals("invalid", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase))
            throw new SocketException((int)SocketError.HostNotFound);
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(_policy.Allows).ToArray();
        if (allowed.Length == 0) throw new BlockedAddressException(host, addresses);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends the request, following redirects, and reads at most <paramref name="maxBytes"/> of body.</summary>
    public async Task<HttpResult> SendAsync(HttpRequestSpec spec, long maxBytes, CancellationToken cancellationToken)
    {
        var url = spec.Url;
        var method = spec.Method;
        var body = spec.Body;
        var contentType = spec.ContentType;
        for (var redirects = 0; ; redirects++)
        {
            if (url.Scheme is not ("http" or "https")) throw new HttpClientProblem($"only http and https URLs can be fetched, not {url.Scheme}");
            using var request = new HttpRequestMessage(method, url);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
            foreach (var (name, value) in spec.Headers)
            {
                if (name.Equals("content-type", StringComparison.OrdinalIgnoreCase)) continue;
                if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is not null)
                    request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            if (request.Headers.UserAgent.Count == 0) request.Headers.TryAddWithoutValidation("User-Agent", Options.UserAgent);

            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (spec.FollowRedirects && status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                if (redirects >= Options.MaxRedirects) throw new HttpClientProblem($"more than {Options.MaxRedirects} redirects");
                url = new Uri(url, location);
                if (status == 303 || (status is 301 or 302 && method == HttpMethod.Post))
                {
                    method = HttpMethod.Get;
                    body = null;
                    contentType = null;
                }
                continue;
            }
            var content = await ReadBodyAsync(response, maxBytes, cancellationToken).ConfigureAwait(false);
            var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                var name = header.Key.ToLowerInvariant();
                var value = string.Join(", ", header.Value);
                headers[name] = headers.TryGetValue(name, out var existing) ? existing + ", " + value : value;
            }
            return new HttpResult(status, response.ReasonPhrase ?? "", headers, content, url.AbsoluteUri);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, long maxBytes, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } declared && declared > maxBytes)
            throw new HttpClientProblem($"the response body ({declared} bytes) is larger than the {maxBytes}-byte limit");
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw new HttpClientProblem($"the response body is larger than the {maxBytes}-byte limit");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public void Dispose() => _client.Dispose();
}

public sealed record HttpRequestSpec(HttpMethod Method, Uri Url, IReadOnlyList<(string Name, string Value)> Headers, byte[]? Body, string? ContentType, bool FollowRedirects);

public sealed record HttpResult(int Status, string Reason, IReadOnlyDictionary<string, string> Headers, byte[] Body, string Url);

/// <summary>A request that failed for a reason the tool should read (too large, too many redirects, bad scheme).</summary>
public sealed class HttpClientProblem(string message) : Exception(message);

/// <summary>Every address of the host is one the policy refuses.</summary>
public sealed class BlockedAddressException(string host, IReadOnlyList<IPAddress> addresses)
    : Exception($"refused to connect to {host}: it resolves to {string.Join(", ", addresses.Select(a => $"{a} ({AddressPolicy.Classify(a) ?? "not allowed"})"))}; private, loopback and link-local addresses are blocked");
