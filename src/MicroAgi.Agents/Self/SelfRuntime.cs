using MicroAgi.Agents.Runtime;

namespace MicroAgi.Agents.Self;

/// <summary>How the self tool is set up for a session.</summary>
public sealed record SelfOptions
{
    /// <summary>Where <c>persist: true</c> snapshots are written (and read back after a restart); null: memory only.</summary>
    public string? SnapshotDirectory { get; init; }

    /// <summary>Where every action is recorded (transcript, terminal).</summary>
    public ISelfAuditSink? Audit { get; init; }

    /// <summary>Secrets the host knows (API keys, URL credentials): masked wherever they would appear.</summary>
    public IReadOnlyList<string?> KnownSecrets { get; init; } = [];

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>
/// The self tool of one session and everything it works on: the runtime surface (components publish onto
/// <see cref="Surface"/>), the runtime variables, the snapshots and the watchdog, which runs before every step.
/// </summary>
public sealed class SelfRuntime
{
    private SelfRuntime(RuntimeSurface surface, SelfTool tool, RuntimeVars vars, SnapshotStore snapshots)
    {
        Surface = surface;
        Tool = tool;
        Vars = vars;
        Snapshots = snapshots;
    }

    public RuntimeSurface Surface { get; }
    public SelfTool Tool { get; }
    public RuntimeVars Vars { get; }
    public SnapshotStore Snapshots { get; }

    /// <summary>Publishes the session's surface, builds the tool and installs the watchdog on <paramref name="session"/>.</summary>
    public static SelfRuntime Attach(AgentSession session, AgentServices services, SelfOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(services);
        options ??= new SelfOptions();
        var surface = SessionSurface.Create(session, services);
        var vars = new RuntimeVars();
        var snapshots = new SnapshotStore(options.SnapshotDirectory);
        var tool = new SelfTool(session, surface, vars, snapshots, new SecretMask(options.KnownSecrets), options.Audit, options.Clock);
        session.AddGuard(new SelfWatchdog(surface));
        return new SelfRuntime(surface, tool, vars, snapshots);
    }
}
