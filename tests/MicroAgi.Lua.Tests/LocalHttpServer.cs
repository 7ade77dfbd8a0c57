using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace MicroAgi.Lua.Tests;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 for http_client tests (one request per connection).
/// Routes: /hello, /echo, /json, /status/{code}, /redirect?to=URL, /big?n=N, /slow?ms=N, and a
/// subset of httpbin.org (/get, /post, /put, /patch, /delete, /headers, /redirect-to, /bytes/{n})
/// so the docs' examples that use httpbin.org run offline against it.
/// </summary>
internal sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LocalHttpServer()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (InvalidOperationException) when (_stop.IsCancellationRequested)
            {
                // A test that ends before this loop first runs has already stopped the listener.
                return;
            }
            catch (SocketException) when (_stop.IsCancellationRequested)
            {
                // Stopping the listener while an accept is pending may surface as "operation canceled"
                // from the socket rather than as a cancellation, depending on which wins the race.
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                var stream = client.GetStream();
                var (method, target, headers, body) = await ReadRequestAsync(stream, timeout.Token);
                var (status, responseHeaders, responseBody) = await RouteAsync(method, target, headers, body, timeout.Token);
                var head = new StringBuilder($"HTTP/1.1 {status} {Reason(status)}\r\n");
                foreach (var (name, value) in responseHeaders) head.Append(name).Append(": ").Append(value).Append("\r\n");
                head.Append("Content-Length: ").Append(responseBody.Length).Append("\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), timeout.Token);
                if (method != "HEAD") await stream.WriteAsync(responseBody, timeout.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The client went away (a test that times out on purpose); nothing to answer.
            }
        }
    }

    private static async Task<(string Method, string Target, Dictionary<string, string> Headers, byte[] Body)> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!(buffer.Count >= 4 && buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0) throw new IOException("connection closed");
            buffer.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var length = headers.TryGetValue("content-length", out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : 0;
        var body = new byte[length];
        var read = 0;
        while (read < length) read += await stream.ReadAsync(body.AsMemory(read), cancellationToken);
        return (requestLine[0], requestLine[1], headers, body);
    }

    private async Task<(int, List<(string, string)>, byte[])> RouteAsync(string method, string target, Dictionary<string, string> headers, byte[] body, CancellationToken cancellationToken)
    {
        var uri = new Uri("http://localhost" + target);
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var path = uri.AbsolutePath;
        if (path is "/get" or "/post" or "/put" or "/patch" or "/delete" or "/anything")
        {
            var text = Encoding.UTF8.GetString(body);
            JsonNode? json = null;
            try
            {
                json = headers.GetValueOrDefault("content-type", "").StartsWith("application/json", StringComparison.Ordinal) ? JsonNode.Parse(text) : null;
            }
            catch (System.Text.Json.JsonException)
            {
            }
            var form = new JsonObject();
            if (headers.GetValueOrDefault("content-type", "").StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal))
            {
                var fields = System.Web.HttpUtility.ParseQueryString(text);
                foreach (var key in fields.AllKeys) form[key!] = fields[key];
            }
            var args = new JsonObject();
            foreach (var key in query.AllKeys) args[key!] = query[key];
            var reply = new JsonObject { ["args"] = args, ["headers"] = HttpBinHeaders(headers), ["url"] = "https://httpbin.org" + target };
            if (path != "/get")
            {
                reply["data"] = text;
                reply["form"] = form;
                reply["json"] = json;
                reply["method"] = method;
            }
            return (200, [("Content-Type", "application/json")], Encoding.UTF8.GetBytes(reply.ToJsonString()));
        }
        if (path == "/headers") return (200, [("Content-Type", "application/json")], Encoding.UTF8.GetBytes(new JsonObject { ["headers"] = HttpBinHeaders(headers) }.ToJsonString()));
        if (path == "/redirect-to") return (302, [("Location", query["url"] ?? "/get")], []);
        if (path.StartsWith("/bytes/", StringComparison.Ordinal))
            return (200, [("Content-Type", "application/octet-stream")], Enumerable.Repeat((byte)'x', int.Parse(path["/bytes/".Length..], CultureInfo.InvariantCulture)).ToArray());
        if (path == "/hello") return (200, [("Content-Type", "text/plain")], "hello"u8.ToArray());
        if (path == "/json") return (200, [("Content-Type", "application/json")], """{"name":"MicroAgi","tags":["lua","sandbox"]}"""u8.ToArray());
        if (path == "/echo")
        {
            var echo = new JsonObject
            {
                ["method"] = method,
                ["path"] = path,
                ["query"] = uri.Query.TrimStart('?'),
                ["headers"] = new JsonObject(headers.Where(h => h.Key is "content-type" or "x-api-key" or "user-agent" or "authorization").Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))),
                ["body"] = Encoding.UTF8.GetString(body),
            };
            return (200, [("Content-Type", "application/json")], Encoding.UTF8.GetBytes(echo.ToJsonString()));
        }
        if (path.StartsWith("/status/", StringComparison.Ordinal))
        {
            var code = int.Parse(path["/status/".Length..], CultureInfo.InvariantCulture);
            return (code, [("Content-Type", "text/plain")], Encoding.UTF8.GetBytes($"status {code}"));
        }
        if (path == "/redirect") return (302, [("Location", query["to"] ?? "/hello")], []);
        if (path == "/big") return (200, [("Content-Type", "text/plain")], Enumerable.Repeat((byte)'x', int.Parse(query["n"]!, CultureInfo.InvariantCulture)).ToArray());
        if (path == "/slow")
        {
            await Task.Delay(int.Parse(query["ms"]!, CultureInfo.InvariantCulture), cancellationToken);
            return (200, [("Content-Type", "text/plain")], "finally"u8.ToArray());
        }
        return (404, [("Content-Type", "text/plain")], "not found"u8.ToArray());
    }

    /// <summary>Request headers as httpbin shows them: Title-Case names, only the ones a tool sets.</summary>
    private static JsonObject HttpBinHeaders(Dictionary<string, string> headers)
    {
        var shown = new JsonObject();
        foreach (var (name, value) in headers.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            if (name is "host" or "content-length" or "connection" or "accept-encoding" or "transfer-encoding") continue;
            shown[string.Join('-', name.Split('-').Select(part => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]))] = value;
        }
        return shown;
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        302 => "Found",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
