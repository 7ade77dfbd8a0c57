using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Runs once the socket half of an HTTP exchange that <see cref="ModelStepWarmUp"/> serves from memory: a
/// connection opened by <see cref="SocketsHttpHandler"/>, a request written to it and a streamed (chunked) answer
/// read back, against a one-shot server on the loopback interface. Without it, the process's first model request pays
/// for that code's first run — about 25 ms on a two-core machine (docs/benchmarks.md).
/// </summary>
internal static class LoopbackExchangeWarmUp
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private static readonly byte[] Answer = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "a\r\ndata: {}\n\n\r\n0\r\n\r\n");

    /// <returns>The answer's body, as the client read it.</returns>
    public static async Task<string> RunAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(backlog: 1);
        var serving = ServeOneAsync(listener, deadline.Token);
        try
        {
            // Never through a proxy from HTTP_PROXY: the exchange is this process's with itself.
            using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = Deadline, UseProxy = false });
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/warm-up"), HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false));
            return await reader.ReadToEndAsync(deadline.Token).ConfigureAwait(false);
        }
        finally
        {
            // A client that failed never connects: stop waiting for it.
            listener.Stop();
            await serving.ConfigureAwait(false);
        }
    }

    /// <summary>Answers one request on one connection: its head is read to the blank line (a GET has no body).</summary>
    private static async Task ServeOneAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        try
        {
            using var client = await listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            var head = new byte[4096];
            var read = 0;
            while (read < head.Length && !EndsWithBlankLine(head.AsSpan(0, read)))
            {
                var n = await stream.ReadAsync(head.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (n == 0) return;
                read += n;
            }
            await stream.WriteAsync(Answer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client reports the failure; a warm-up that fails only gives no head start.
        }
    }

    private static bool EndsWithBlankLine(ReadOnlySpan<byte> bytes) => bytes.EndsWith("\r\n\r\n"u8);
}
