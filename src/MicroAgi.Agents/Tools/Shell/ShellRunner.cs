using System.ComponentModel;
using MicroAgi.Agents.Approval;
using MicroAgi.Agents.Tools.Files;

namespace MicroAgi.Agents.Tools.Shell;

/// <summary>
/// Starts commands for exec and process: checks the working directory is in the workspace, describes
/// the command for the approval question the loop asks before the call runs, and starts it in its own
/// process group, in the sandbox when there is one.
/// </summary>
public sealed class ShellRunner(WorkspaceRoot workspace, ShellSandbox sandbox, ShellOptions options) : IDisposable
{
    /// <summary>The thread commands are forked from, made at the first command (see <see cref="LaunchThread"/> for why).</summary>
    private readonly Lazy<LaunchThread> _launcher = new(() => new LaunchThread(), LazyThreadSafetyMode.ExecutionAndPublication);

    public ShellOptions Options { get; } = options;
    public ShellSandbox Sandbox { get; } = sandbox;

    /// <summary>The session's background processes.</summary>
    public ProcessTable Background { get; } = new(options.MaxBackgroundProcesses);

    /// <summary>A command checked and ready to start: the one the approval question shows is the one that starts.</summary>
    /// <param name="Tool">exec or process.</param>
    /// <param name="Directory">The working directory, resolved inside the workspace.</param>
    public sealed record Launch(string Tool, string Command, string Directory, TimeSpan Lifetime);

    /// <summary>The lifetime a call asked for (seconds), checked against the configured maximum.</summary>
    public bool TryLifetime(int? seconds, out TimeSpan lifetime, out string? error)
    {
        lifetime = seconds is { } s ? TimeSpan.FromSeconds(s) : Options.DefaultTimeout;
        error = lifetime > Options.MaxTimeout
            ? $"'timeout' may be at most {Options.MaxTimeout.TotalSeconds:0} seconds (tools.exec.max_timeout_seconds)"
            : null;
        return error is null;
    }

    /// <summary>Checks a command and its working directory; false with the error the model reads when it cannot start.</summary>
    public bool TryPrepare(string tool, string? command, string? cwd, TimeSpan lifetime, out Launch launch, out string error)
    {
        launch = null!;
        if (string.IsNullOrWhiteSpace(command)) return ToolResults.Refuse("'command' is required, e.g. {\"command\": \"ls -la\"}", out error);
        if (!workspace.TryResolve(string.IsNullOrEmpty(cwd) ? "." : cwd, out var directory, out var problem)) return ToolResults.Refuse(problem, out error);
        if (!System.IO.Directory.Exists(directory)) return ToolResults.Refuse($"the working directory {workspace.Relative(directory)} does not exist", out error);
        launch = new Launch(tool, command, directory, lifetime);
        error = "";
        return true;
    }

    /// <summary>The approval question for a command: the command line, where it runs, whether sandboxed, and when it is killed.</summary>
    public ApprovalRequest Describe(Launch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var where = $"in {workspace.Relative(launch.Directory)}, " + (Sandbox.IsActive
            ? Options.AllowNetwork ? "sandboxed (writes only to the workspace and /tmp; network allowed)" : "sandboxed (writes only to the workspace and /tmp; no network)"
            : "NOT sandboxed");
        return ApprovalRequest.Command(launch.Tool, launch.Command, $"{launch.Command}\n({where}; killed after {launch.Lifetime.TotalSeconds:0} s)");
    }

    /// <summary>Starts a prepared command; an error message instead when it cannot start.</summary>
    public (ShellProcess? Process, string? Error) Start(Launch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        try
        {
            var commandLine = Sandbox.CommandLine(launch.Command, workspace.FullPath, launch.Directory, Options.AllowNetwork);
            var id = Background.NextId();
            return (_launcher.Value.Run(() => ShellProcess.Start(id, launch.Command, commandLine, launch.Directory, launch.Lifetime, Options.OutputCapBytes)), null);
        }
        catch (Win32Exception ex)
        {
            return (null, $"the command could not be started: {ex.Message}");
        }
    }

    public void Dispose()
    {
        Background.Dispose();
        if (_launcher.IsValueCreated) _launcher.Value.Dispose();
    }
}
