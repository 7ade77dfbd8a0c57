using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MicroAgi.Testing.FakeLlm;

/// <summary>
/// An HTTP server on 127.0.0.1 (ephemeral port) that answers chat requests from a script: each chat request
/// takes the next <see cref="FakeReply"/> from the queue and renders it in the server's dialect. Every request
/// is recorded (headers and body) for assertions. Checks that happen before the script is consulted:
/// unknown path (404), wrong API key (401, when <see cref="FakeServerOptions.ApiKey"/> is set), unknown model
/// (404, when <see cref="FakeServerOptions.Models"/> is set), a request over the context window (400, see
/// <see cref="FakeServerOptions.ContextLimitCharacters"/>), a request the dialect finds invalid (400, see
/// <see cref="FakeServerOptions.StrictThinking"/>). An empty script answers 400 with a message that
/// says so, which a client does not retry.
/// </summary>
public abstract class FakeLlmServer : IAsyncDisposable
{
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    private readonly TcpListener _listener;
    private readonly ConcurrentQueue<FakeReply> _script = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _requestsLock = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private int _sequence;
    private int _disposed;

    protected FakeLlmServer(FakeServerOptions? options)
    {
        Options = options ?? new FakeServerOptions();
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        RootUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public FakeServerOptions Options { get; }

    /// <summary>The server's root, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri RootUrl { get; }

    /// <summary>The base URL a client of this dialect is configured with.</summary>
    public abstract Uri BaseUrl { get; }

    /// <summary>The path chat requests are posted to.</summary>
    public abstract string ChatPath { get; }

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requestsLock) return [.. _requests];
        }
    }

    /// <summary>The chat requests received so far (posts to <see cref="ChatPath"/>), in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests =>
        [.. Requests.Where(r => r.Method == "POST" && r.Path == ChatPath)];

    /// <summary>Completes when at least <paramref name="count"/> chat requests have arrived; fails with a
    /// <see cref="TimeoutException"/> saying how many did when <paramref name="timeout"/> passes first.</summary>
    public async Task WaitForChatRequestsAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_requestsLock)
        {
            if (CountChatRequests() >= count) return;
            _waiters.Add((count, reached));
        }
        try
        {
            await reached.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"waited {timeout} for {count} chat request(s) to {ChatPath}; {ChatRequests.Count} arrived");
        }
        finally
        {
            lock (_requestsLock) _waiters.Remove((count, reached));
        }
    }

    /// <summary>Scripted replies not yet consumed.</summary>
    public int PendingReplies => _script.Count;

    /// <summary>Appends replies to the script; each chat request consumes one, in order.</summary>
    public FakeLlmServer Enqueue(params FakeReply[] replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        foreach (var reply in replies) _script.Enqueue(reply ?? throw new ArgumentException("a scripted reply is null", nameof(replies)));
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        var pending = _inFlight.Keys.Append(_acceptLoop).ToArray();
        // Bounded: a handler blocked on a dead client must not hang the test run.
        await Task.WhenAll(pending).WaitAsync(ShutdownGrace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _listener.Dispose();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Which API key the request presents, or null.</summary>
    protected abstract string? PresentedKey(RecordedRequest request);

    /// <summary>The dialect's error body for an HTTP error.</summary>
    protected abstract string ErrorBody(int statusCode, string message, string? code);

    /// <summary>The message a 404 for an unknown model carries in this dialect.</summary>
    protected abstract string UnknownModelMessage(string? model);

    /// <summary>The message of the 400 a request of <paramref name="tokens"/> gets from a model of <paramref name="window"/>.</summary>
    protected abstract string ContextTooLongMessage(int tokens, int window);

    /// <summary>The complete (non-streamed) reply body.</summary>
    protected abstract string RenderJson(FakeReply reply, string model, int sequence);

    /// <summary>The streamed reply as SSE frames (each one complete, including its blank-line terminator).</summary>
    protected abstract IReadOnlyList<StreamFrame> RenderStream(FakeReply reply, string model, int sequence);

    /// <summary>The body served at <c>GET /v1/models</c>.</summary>
    protected abstract string RenderModelList(IReadOnlyCollection<string> models);

    /// <summary>Why the dialect refuses <paramref name="request"/> as invalid (a 400 sent before the script is
    /// consulted), or null to answer it.</summary>
    protected virtual string? Rejection(RecordedRequest request) => null;

    /// <summary>Whether the reply to <paramref name="request"/> is streamed; a dialect's quirks may say no even
    /// when the request asks for a stream.</summary>
    protected virtual bool AnswersWithStream(RecordedRequest request) => request.IsStreaming;

    private int CountChatRequests() => _requests.Count(r => r.Method == "POST" && r.Path == ChatPath);

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return; // stopped
            }
            var handler = Task.Run(() => HandleConnectionAsync(client));
            _inFlight.TryAdd(handler, 0);
            _ = handler.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task HandleConnectionAsync(TcpClient client)
    {
        client.NoDelay = true;
        var stream = client.GetStream();
        var token = _stopping.Token;
        try
        {
            while (true)
            {
                var wire = await HttpWire.ReadRequestAsync(stream, token).ConfigureAwait(false);
                if (wire is null) return;
                var request = Record(wire);
                var exchange = new Exchange(client, stream, Options.KeepAlive, token);
                await RespondAsync(request, exchange).ConfigureAwait(false);
                if (!exchange.LeavesConnectionOpen) return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidDataException)
        {
            // The client went away, sent garbage, or the server is stopping: nothing left to tell anyone.
        }
        finally
        {
            client.Dispose();
        }
    }

    private RecordedRequest Record(WireRequest wire)
    {
        var path = wire.Target.Split('?')[0];
        var recorded = new RecordedRequest(Interlocked.Increment(ref _sequence), wire.Method, path, wire.Headers, wire.Body);
        if (!Options.KeepRequests) return recorded;
        lock (_requestsLock)
        {
            _requests.Add(recorded);
            var chatRequests = CountChatRequests();
            foreach (var (count, reached) in _waiters)
                if (chatRequests >= count) reached.TrySetResult();
        }
        return recorded;
    }

    private async Task RespondAsync(RecordedRequest request, Exchange exchange)
    {
        if (request.Method == "GET" && request.Path == "/v1/models")
        {
            await exchange.WriteBodyAsync(200, RenderModelList(Options.Models ?? []), []).ConfigureAwait(false);
            return;
        }
        if (request.Method != "POST" || request.Path != ChatPath)
        {
            await WriteErrorAsync(exchange, 404, $"fake server: no route for {request.Method} {request.Path}; chat requests go to POST {ChatPath}", null, null).ConfigureAwait(false);
            return;
        }
        if (Options.ApiKey is not null && PresentedKey(request) != Options.ApiKey)
        {
            await WriteErrorAsync(exchange, 401, $"Incorrect API key provided: {PresentedKey(request)}.", "invalid_api_key", null).ConfigureAwait(false);
            return;
        }
        if (Options.Models is not null && (request.Model is null || !Options.Models.Contains(request.Model)))
        {
            await WriteErrorAsync(exchange, 404, UnknownModelMessage(request.Model), "model_not_found", null).ConfigureAwait(false);
            return;
        }
        if (Options.ContextLimitCharacters is { } limit && request.Body.Length > limit)
        {
            await WriteErrorAsync(exchange, 400, ContextTooLongMessage(request.Body.Length / 4, limit / 4), "context_length_exceeded", null).ConfigureAwait(false);
            return;
        }
        if (Rejection(request) is { } rejection)
        {
            await WriteErrorAsync(exchange, 400, rejection, "invalid_request_error", null).ConfigureAwait(false);
            return;
        }
        if (!_script.TryDequeue(out var reply))
        {
            await WriteErrorAsync(exchange, 400, $"fake server: no scripted reply left for request #{request.Sequence} (POST {ChatPath}); enqueue one more FakeReply", "script_exhausted", null).ConfigureAwait(false);
            return;
        }
        if (reply.Silent)
        {
            await exchange.HoldUntilClientLeavesAsync(Options.StallLimit).ConfigureAwait(false);
            exchange.Abort();
            return;
        }
        if (reply.Raw is { } raw)
        {
            await exchange.WriteBodyAsync(raw.StatusCode, raw.Body, raw.Headers ?? [], raw.ContentType).ConfigureAwait(false);
            return;
        }
        if (reply.Error is { } error)
        {
            await WriteErrorAsync(exchange, error.StatusCode, error.Message, null, error.RetryAfter).ConfigureAwait(false);
            return;
        }
        var model = request.Model ?? "fake-model";
        if (AnswersWithStream(request))
            await WriteStreamAsync(exchange, reply, RenderStream(reply, model, request.Sequence)).ConfigureAwait(false);
        else
            await WriteJsonReplyAsync(exchange, reply, RenderJson(reply, model, request.Sequence)).ConfigureAwait(false);
    }

    private Task WriteErrorAsync(Exchange exchange, int status, string message, string? code, TimeSpan? retryAfter)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (retryAfter is { } delay)
        {
            headers.Add(new("retry-after", ((int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture)));
            headers.Add(new("retry-after-ms", ((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)));
        }
        return exchange.WriteBodyAsync(status, ErrorBody(status, message, code), headers);
    }

    private static async Task WriteJsonReplyAsync(Exchange exchange, FakeReply reply, string body)
    {
        if (reply.Cut is null)
        {
            await exchange.WriteBodyAsync(200, body, []).ConfigureAwait(false);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(body);
        await exchange.StartChunkedAsync("application/json").ConfigureAwait(false);
        await exchange.WriteChunkAsync(bytes.AsMemory(0, bytes.Length / 2)).ConfigureAwait(false);
        await exchange.EndEarlyAsync(reply.Cut).ConfigureAwait(false);
    }

    private async Task WriteStreamAsync(Exchange exchange, FakeReply reply, IReadOnlyList<StreamFrame> frames)
    {
        await exchange.StartChunkedAsync("text/event-stream").ConfigureAwait(false);
        var stopAt = StopIndex(reply, frames);
        // One frame per chunk and flush, so the client really receives the reply in pieces.
        for (var i = 0; i < stopAt; i++)
            await exchange.WriteChunkAsync(Encoding.UTF8.GetBytes(frames[i].Text)).ConfigureAwait(false);
        if (reply.StallAfterEvents is not null && stopAt < frames.Count)
        {
            await exchange.HoldUntilClientLeavesAsync(Options.StallLimit).ConfigureAwait(false);
            exchange.Abort();
            return;
        }
        if (reply.Cut is { } cut && stopAt < frames.Count)
        {
            await exchange.EndEarlyAsync(cut).ConfigureAwait(false);
            return;
        }
        await exchange.EndChunkedAsync().ConfigureAwait(false);
    }

    private static int StopIndex(FakeReply reply, IReadOnlyList<StreamFrame> frames)
    {
        var stop = frames.Count;
        if (reply.StallAfterEvents is { } stall) stop = Math.Min(stop, stall);
        if (reply.Cut is { AfterEvents: { } after }) stop = Math.Min(stop, after);
        if (reply.Cut is { MidToolCall: true })
        {
            var first = -1;
            for (var i = 0; i < frames.Count && first < 0; i++)
                if (frames[i].IsFirstArgumentPiece) first = i;
            if (first < 0) throw new InvalidOperationException("the reply was to be cut mid tool call, but no tool-call argument piece was rendered (empty arguments?)");
            stop = Math.Min(stop, first + 1);
        }
        return stop;
    }

    /// <summary>One request/response on a connection.</summary>
    private sealed class Exchange(TcpClient client, NetworkStream stream, bool keepAlive, CancellationToken stopping)
    {
        /// <summary>Whether the next request may come on this connection: kept alive, and not cut or stalled.</summary>
        public bool LeavesConnectionOpen { get; private set; } = keepAlive;

        public async Task WriteBodyAsync(int status, string body, IEnumerable<KeyValuePair<string, string>> headers, string contentType = "application/json")
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            await HttpWire.WriteHeadAsync(stream, status,
                [new("Content-Type", contentType), new("Content-Length", bytes.Length.ToString(CultureInfo.InvariantCulture)), .. headers],
                LeavesConnectionOpen, stopping).ConfigureAwait(false);
            await stream.WriteAsync(bytes, stopping).ConfigureAwait(false);
            await stream.FlushAsync(stopping).ConfigureAwait(false);
        }

        public Task StartChunkedAsync(string contentType) =>
            HttpWire.WriteHeadAsync(stream, 200,
                [new("Content-Type", contentType), new("Transfer-Encoding", "chunked"), new("Cache-Control", "no-cache")],
                LeavesConnectionOpen, stopping);

        public Task WriteChunkAsync(ReadOnlyMemory<byte> data) => HttpWire.WriteChunkAsync(stream, data, stopping);

        public async Task EndChunkedAsync()
        {
            await HttpWire.WriteLastChunkAsync(stream, stopping).ConfigureAwait(false);
            await stream.FlushAsync(stopping).ConfigureAwait(false);
        }

        public Task EndEarlyAsync(FakeCut cut)
        {
            if (!cut.AbortConnection) return EndChunkedAsync();
            Abort();
            return Task.CompletedTask;
        }

        public void Abort()
        {
            LeavesConnectionOpen = false;
            HttpWire.Abort(client);
        }

        /// <summary>Waits until the client closes its side (a read returns nothing), the limit passes, or the
        /// server stops.</summary>
        public async Task HoldUntilClientLeavesAsync(TimeSpan limit)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            bounded.CancelAfter(limit);
            var sink = new byte[256];
            try
            {
                while (await stream.ReadAsync(sink, bounded.Token).ConfigureAwait(false) > 0)
                {
                    // the client has nothing more to say on this connection; keep waiting for it to leave
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
                // limit reached, server stopping, or the connection is gone
            }
        }
    }
}

/// <summary>One SSE frame of a rendered stream; <see cref="IsFirstArgumentPiece"/> marks where
/// <see cref="FakeReply.CutMidToolCall"/> cuts.</summary>
public sealed record StreamFrame(string Text, bool IsFirstArgumentPiece = false);
