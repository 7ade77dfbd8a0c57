using System.Diagnostics;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Tells a listener, every interval, how long the current wait has lasted — while armed. One timer per
/// announcer, re-armed for each wait, so guarding every read of a stream costs no allocation per read.
/// </summary>
internal sealed class WaitAnnouncer : IDisposable
{
    private readonly ITimer _timer;
    private readonly TimeSpan _interval;
    private readonly Action<TimeSpan> _announce;
    private long _since;

    /// <param name="announce">Called on a timer thread with the time waited so far.</param>
    public WaitAnnouncer(TimeSpan interval, Action<TimeSpan> announce)
    {
        _interval = interval;
        _announce = announce;
        _timer = TimeProvider.System.CreateTimer(static state => ((WaitAnnouncer)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Starts a wait: the first notice comes after one interval, then one per interval.</summary>
    public void Arm()
    {
        Volatile.Write(ref _since, Stopwatch.GetTimestamp());
        _timer.Change(_interval, _interval);
    }

    public void Disarm() => _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        try
        {
            _announce(Stopwatch.GetElapsedTime(Volatile.Read(ref _since)));
        }
#pragma warning disable CA1031 // A timer thread has no caller: a listener that throws would end the process; the notice is only lost.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
