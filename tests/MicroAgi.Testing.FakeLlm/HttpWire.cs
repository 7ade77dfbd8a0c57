using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MicroAgi.Testing.FakeLlm;

/// <summary>A request as read off the wire.</summary>
internal sealed record WireRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>
/// Just enough HTTP/1.1 for the fake servers, written by hand (instead of HttpListener) so that a test can
/// really cut a connection in the middle of a chunked body — HttpListener ends the body cleanly even when
/// aborted. A response either says <c>Connection: close</c> or leaves the connection open for the next request
/// (HTTP/1.1's default), as the server chooses.
/// </summary>
internal static class HttpWire
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 32 * 1024 * 1024;
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>Reads one request, or returns null when the peer closed the connection before sending one.</summary>
    public static async Task<WireRequest?> ReadRequestAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var filled = 0;
        int headerEnd;
        while ((headerEnd = buffer.AsSpan(0, filled).IndexOf(HeaderEnd)) < 0)
        {
            if (filled > MaxHeaderBytes) throw new InvalidDataException("request headers exceed 64 KB");
            if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0) return filled == 0 ? null : throw new InvalidDataException("connection closed inside the request headers");
            filled += read;
        }
        var head = Encoding.ASCII.GetString(buffer, 0, headerEnd);
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length < 3) throw new InvalidDataException($"malformed request line '{lines[0]}'");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }
        var bodyStart = headerEnd + HeaderEnd.Length;
        var rest = new MemoryStream(buffer, bodyStart, filled - bodyStart, writable: false);
        var body = await ReadBodyAsync(stream, rest, headers, cancellationToken).ConfigureAwait(false);
        return new WireRequest(requestLine[0], requestLine[1], headers, body);
    }

    public static async Task WriteHeadAsync(Stream stream, int status, IEnumerable<KeyValuePair<string, string>> headers, bool keepAlive, CancellationToken cancellationToken)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {Reason(status)}\r\n");
        if (!keepAlive) head.Append("Connection: close\r\n");
        foreach (var (name, value) in headers) head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One chunk in one write, as a server sends an event: three writes per chunk were three system calls, which the
    /// per-step benchmarks (client and this server in one process) measured beside the client.
    /// </summary>
    public static async Task WriteChunkAsync(Stream stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var size = Encoding.ASCII.GetBytes($"{data.Length:x}\r\n");
        var chunk = new byte[size.Length + data.Length + 2];
        size.CopyTo(chunk, 0);
        data.Span.CopyTo(chunk.AsSpan(size.Length));
        "\r\n"u8.CopyTo(chunk.AsSpan(size.Length + data.Length));
        await stream.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static Task WriteLastChunkAsync(Stream stream, CancellationToken cancellationToken) =>
        stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken).AsTask();

    /// <summary>Closes the connection with a reset, so the peer sees the response end prematurely.</summary>
    public static void Abort(TcpClient client)
    {
        client.Client.LingerState = new LingerOption(true, 0);
        client.Close();
    }

    private static async Task<byte[]> ReadBodyAsync(Stream stream, MemoryStream rest, Dictionary<string, string> headers, CancellationToken cancellationToken)
    {
        var source = new PrefixedStream(rest, stream);
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            return await ReadChunkedAsync(source, cancellationToken).ConfigureAwait(false);
        if (!headers.TryGetValue("Content-Length", out var lengthText)) return [];
        var length = int.Parse(lengthText, CultureInfo.InvariantCulture);
        if (length > MaxBodyBytes) throw new InvalidDataException("request body exceeds 32 MB");
        var body = new byte[length];
        await source.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        return body;
    }

    private static async Task<byte[]> ReadChunkedAsync(PrefixedStream source, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await source.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            var size = int.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while ((await source.ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length > 0)
                {
                    // trailers are ignored
                }
                return body.ToArray();
            }
            if (body.Length + size > MaxBodyBytes) throw new InvalidDataException("request body exceeds 32 MB");
            var data = new byte[size];
            await source.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
            body.Write(data);
            await source.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    };

    /// <summary>Bytes already read past the headers, then the rest of the connection.</summary>
    private sealed class PrefixedStream(MemoryStream prefix, Stream rest)
    {
        public async Task ReadExactlyAsync(byte[] target, CancellationToken cancellationToken)
        {
            var filled = prefix.Read(target, 0, target.Length);
            if (filled < target.Length)
                await rest.ReadExactlyAsync(target.AsMemory(filled), cancellationToken).ConfigureAwait(false);
        }

        public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new StringBuilder();
            var one = new byte[1];
            while (true)
            {
                await ReadExactlyAsync(one, cancellationToken).ConfigureAwait(false);
                if (one[0] == '\n') return line.ToString().TrimEnd('\r');
                line.Append((char)one[0]);
            }
        }
    }
}
