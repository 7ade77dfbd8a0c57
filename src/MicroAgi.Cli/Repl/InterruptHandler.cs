namespace MicroAgi.Cli.Repl;

/// <summary>
/// Ctrl+C during a turn cancels that turn; at the prompt it reminds how to leave. A second Ctrl+C
/// within two seconds of the first leaves, wherever it comes.
/// </summary>
internal sealed class InterruptHandler
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _turn;
    private DateTimeOffset _lastInterrupt = DateTimeOffset.MinValue;
    private readonly CancellationTokenSource _exit = new();

    public IDisposable Install()
    {
        ConsoleCancelEventHandler handler = OnCancel;
        Console.CancelKeyPress += handler;
        return new Unsubscribe(() => Console.CancelKeyPress -= handler);
    }

    public CancellationTokenSource BeginTurn(CancellationToken outer)
    {
        lock (_gate)
        {
            _turn = CancellationTokenSource.CreateLinkedTokenSource(outer, _exit.Token);
            return _turn;
        }
    }

    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        lock (_gate) _turn = null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _exit.Token);
        try
        {
            // Console reads block their thread and ignore cancellation: read on the pool and abandon the read on exit.
            return await Task.Run(Console.In.ReadLine, CancellationToken.None).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Ctrl+C read as a key by the line editor (the terminal sends no signal then).</summary>
    /// <returns>Whether it is the second press within two seconds, so the REPL should end.</returns>
    public bool PressedAtPrompt()
    {
        lock (_gate) return SecondPress();
    }

    private bool SecondPress()
    {
        var now = DateTimeOffset.UtcNow;
        var second = now - _lastInterrupt < TimeSpan.FromSeconds(2);
        _lastInterrupt = now;
        return second;
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        lock (_gate)
        {
            if (SecondPress())
            {
                _exit.Cancel();
                return;
            }
            if (_turn is { IsCancellationRequested: false } turn) turn.Cancel();
            else Console.Error.WriteLine("\n(press Ctrl+C again to exit, or type quit)");
        }
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
