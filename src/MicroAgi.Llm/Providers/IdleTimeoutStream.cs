using MicroAgi.Llm.Errors;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// A response body whose every read fails with the provider's idle-timeout error when the server sends
/// nothing for the idle period — a stalled stream ends with a clear error instead of hanging forever. An
/// optional <see cref="WaitAnnouncer"/> is armed for each read, so a long silence is announced while it lasts.
/// </summary>
internal sealed class IdleTimeoutStream(Stream inner, TimeSpan idle, Func<LlmException> onIdle, WaitAnnouncer? announcer = null) : ReadOnlyStream
{
    private readonly CancellationTokenSource _timer = new();
    private CancellationToken _linkedToken;
    private CancellationTokenRegistration _link;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_timer.IsCancellationRequested) throw onIdle();
        if (cancellationToken != _linkedToken)
        {
            // The caller's token cancels the shared timer source; callers pass the same token to every read,
            // so this registration is made once per stream, not once per read.
            _link.Dispose();
            _link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _timer);
            _linkedToken = cancellationToken;
        }
        _timer.CancelAfter(idle);
        announcer?.Arm();
        try
        {
            return await inner.ReadAsync(buffer, _timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw onIdle();
        }
        finally
        {
            announcer?.Disarm();
            // Disarmed between reads: time the consumer spends on an update is not the server's silence.
            if (!_timer.IsCancellationRequested) _timer.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous reads are not used by the SDKs on this path; they get no idle guard.
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _link.Dispose();
            _timer.Dispose();
            announcer?.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _link.DisposeAsync().ConfigureAwait(false);
        _timer.Dispose();
        announcer?.Dispose();
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
