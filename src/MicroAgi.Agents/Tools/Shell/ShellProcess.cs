using System.Diagnostics;

namespace MicroAgi.Agents.Tools.Shell;

/// <summary>
/// One command started through <c>setsid</c>, so it leads its own process group: its output tail, its
/// exit, and a hard lifetime after which the whole group is killed. When the shell exits, whatever it
/// left running in its group is killed too — a command never outlives its own record.
/// </summary>
public sealed class ShellProcess : IDisposable
{
    /// <summary>How long the output readers may lag behind the exit before the result is taken as it is.</summary>
    private static readonly TimeSpan DrainWait = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly CancellationTokenSource _lifetime;
    private readonly CancellationTokenRegistration _killAtEndOfLife;
    private readonly Task[] _pumps;
    private volatile bool _timedOut;
    private volatile bool _stopped;

    private ShellProcess(string id, string command, Process process, OutputTail output, TimeSpan lifetime)
    {
        Id = id;
        Command = command;
        _process = process;
        Output = output;
        Pid = process.Id;
        Started = DateTimeOffset.UtcNow;
        _pumps = [Pump(process.StandardOutput.BaseStream), Pump(process.StandardError.BaseStream)];
        _lifetime = new CancellationTokenSource(lifetime);
        _killAtEndOfLife = _lifetime.Token.Register(() =>
        {
            _timedOut = true;
            ProcessGroup.Kill(Pid);
        });
        Exited = WaitAsync();
    }

    public string Id { get; }
    public string Command { get; }
    public int Pid { get; }
    public DateTimeOffset Started { get; }
    public OutputTail Output { get; }

    /// <summary>Completes with the exit code once the command has ended and its output is read.</summary>
    public Task<int> Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    /// <summary>Killed because it ran past its lifetime.</summary>
    public bool TimedOut => _timedOut;

    /// <summary>Killed because someone asked (process stop, cancellation, session end).</summary>
    public bool Stopped => _stopped;

    public static ShellProcess Start(string id, string command, IReadOnlyList<string> commandLine, string workingDirectory, TimeSpan lifetime, int outputCapBytes)
    {
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in commandLine) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("the command could not be started");
        // Commands that read input get end-of-file at once instead of waiting for input nobody will type.
        process.StandardInput.Close();
        return new ShellProcess(id, command, process, new OutputTail(outputCapBytes), lifetime);
    }

    /// <summary>Kills the whole process group now.</summary>
    public void Stop()
    {
        if (HasExited) return;
        _stopped = true;
        ProcessGroup.Kill(Pid);
    }

    private async Task<int> WaitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        var code = _process.ExitCode;
        // The lifetime ending after the exit is no timeout.
        await _killAtEndOfLife.DisposeAsync().ConfigureAwait(false);
        ProcessGroup.Kill(Pid);
        await Task.WhenAny(Task.WhenAll(_pumps), Task.Delay(DrainWait)).ConfigureAwait(false);
        return code;
    }

    private Task Pump(Stream stream) => Task.Run(async () =>
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0) Output.Append(buffer.AsSpan(0, read));
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe closed under the reader: the output ends here.
        }
    });

    /// <summary>The state as the tools report it.</summary>
    public string Status => !HasExited ? "running" : TimedOut ? "timed_out" : Stopped ? "stopped" : "exited";

    public void Dispose()
    {
        Stop();
        _process.Dispose();
        _lifetime.Dispose();
    }
}
