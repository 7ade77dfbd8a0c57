using System.Collections.Concurrent;

namespace MicroAgi.Agents.Tools.Shell;

/// <summary>
/// Starts commands from one long-lived thread. bubblewrap's <c>--die-with-parent</c> arms
/// <c>PR_SET_PDEATHSIG</c>, and Linux sends that signal when the <em>thread</em> that forked the process
/// ends, not the process: a command started from a thread-pool thread was SIGKILLed (exit 137) whenever
/// the pool retired that thread while the command still ran — which a busy machine makes likely. Forking
/// from a thread that lives until the runner is disposed keeps <c>--die-with-parent</c> meaning
/// "dies with MicroAgi" and nothing else.
/// </summary>
internal sealed class LaunchThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = [];

    public LaunchThread()
    {
        var thread = new Thread(() =>
        {
            foreach (var work in _work.GetConsumingEnumerable()) work();
            _work.Dispose();
        })
        {
            IsBackground = true,
            Name = "MicroAgi command launcher",
        };
        thread.Start();
    }

    /// <summary>Runs <paramref name="start"/> on the launch thread and returns what it returned (or throws what it threw).</summary>
    public T Run<T>(Func<T> start)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(start());
            }
#pragma warning disable CA1031 // Whatever starting threw belongs to the caller, not to the launch thread.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.SetException(ex);
            }
        });
        return done.Task.GetAwaiter().GetResult();
    }

    /// <summary>Lets the thread end (and dispose the queue) once the work already handed to it is done.</summary>
    public void Dispose() => _work.CompleteAdding();
}
