using System.ComponentModel;
using MicroAgi.Agents.Approval;
using MicroAgi.Agents.Tools.Files;

namespace MicroAgi.Agents.Tools.Shell;

/// <summary>
/// Starts commands for exec and process: checks the working directory is in the workspace, asks for
/// approval, and starts the command in its own process group, in the sandbox when there is one.
/// </summary>
public sealed class ShellRunner(WorkspaceRoot workspace, ApprovalGate approval, ShellSandbox sandbox, ShellOptions options) : IDisposable
{
    public ShellOptions Options { get; } = options;
    public ShellSandbox Sandbox { get; } = sandbox;

    /// <summary>The session's background processes.</summary>
    public ProcessTable Background { get; } = new(options.MaxBackgroundProcesses);

    /// <summary>The lifetime a call asked for (seconds), checked against the configured maximum.</summary>
    public bool TryLifetime(int? seconds, out TimeSpan lifetime, out string? error)
    {
        lifetime = seconds is { } s ? TimeSpan.FromSeconds(s) : Options.DefaultTimeout;
        error = lifetime > Options.MaxTimeout
            ? $"'timeout' may be at most {Options.MaxTimeout.TotalSeconds:0} seconds (tools.exec.max_timeout_seconds)"
            : null;
        return error is null;
    }

    /// <summary>Starts <paramref name="command"/> once approved; an error message instead when it may not or cannot start.</summary>
    public async Task<(ShellProcess? Process, string? Error)> StartAsync(string tool, string command, string? cwd, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(command)) return (null, "'command' is required, e.g. {\"command\": \"ls -la\"}");
        if (!workspace.TryResolve(string.IsNullOrEmpty(cwd) ? "." : cwd, out var directory, out var error)) return (null, error);
        if (!Directory.Exists(directory)) return (null, $"the working directory {workspace.Relative(directory)} does not exist");

        var where = $"in {workspace.Relative(directory)}, " + (Sandbox.IsActive
            ? Options.AllowNetwork ? "sandboxed (writes only to the workspace and /tmp; network allowed)" : "sandboxed (writes only to the workspace and /tmp; no network)"
            : "NOT sandboxed");
        var request = ApprovalRequest.Command(tool, command, $"{command}\n({where}; killed after {lifetime.TotalSeconds:0} s)");
        if (await approval.CheckAsync(request, cancellationToken).ConfigureAwait(false) is { } refused) return (null, refused);

        try
        {
            var commandLine = Sandbox.CommandLine(command, workspace.FullPath, directory, Options.AllowNetwork);
            return (ShellProcess.Start(Background.NextId(), command, commandLine, directory, lifetime, Options.OutputCapBytes), null);
        }
        catch (Win32Exception ex)
        {
            return (null, $"the command could not be started: {ex.Message}");
        }
    }

    public void Dispose() => Background.Dispose();
}
