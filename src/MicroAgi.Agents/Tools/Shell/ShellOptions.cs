namespace MicroAgi.Agents.Tools.Shell;

/// <summary>How exec and process run commands (<c>tools.exec</c> in microagi.yaml).</summary>
public sealed record ShellOptions
{
    /// <summary>Bytes of output kept per command: the tail, 200 KB.</summary>
    public int OutputCapBytes { get; init; } = 200 * 1024;

    /// <summary>How long exec waits for a command before leaving it running in the background.</summary>
    public TimeSpan YieldAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A command's lifetime when the call gives no timeout.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest lifetime a call may ask for; background processes are killed at it too.</summary>
    public TimeSpan MaxTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Background processes that may run at once.</summary>
    public int MaxBackgroundProcesses { get; init; } = 8;

    /// <summary>Whether sandboxed commands may use the network.</summary>
    public bool AllowNetwork { get; init; }
}
