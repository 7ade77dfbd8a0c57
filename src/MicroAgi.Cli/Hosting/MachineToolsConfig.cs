using MicroAgi.Agents.Approval;
using MicroAgi.Agents.Tools.Shell;

namespace MicroAgi.Cli.Hosting;

/// <summary><c>tools.exec</c>: how commands run.</summary>
internal sealed class ExecConfig
{
    /// <summary><c>auto</c> (bubblewrap when it works here, else a warning), <c>bwrap</c> (required) or <c>none</c>.</summary>
    public string? Sandbox { get; set; }

    /// <summary>Whether sandboxed commands may use the network (default no).</summary>
    public bool? Network { get; set; }

    public double? YieldSeconds { get; set; }
    public double? TimeoutSeconds { get; set; }
    public double? MaxTimeoutSeconds { get; set; }
    public int? MaxBackgroundProcesses { get; set; }

    public string? Problem() =>
        (Sandbox is not null && !TryMode(Sandbox, out _) ? $"tools.exec.sandbox must be auto, bwrap or none, not '{Sandbox}'" : null)
        ?? ConfigSeconds.Problem("tools.exec.yield_seconds", YieldSeconds, 1, 3_600)
        ?? ConfigSeconds.Problem("tools.exec.timeout_seconds", TimeoutSeconds, 1, 86_400)
        ?? ConfigSeconds.Problem("tools.exec.max_timeout_seconds", MaxTimeoutSeconds, 1, 86_400)
        ?? ConfigNumbers.WholeProblem("tools.exec.max_background_processes", MaxBackgroundProcesses, 1, 100);

    public SandboxMode Mode() => TryMode(Sandbox, out var mode) ? mode : SandboxMode.Auto;

    public ShellOptions Options()
    {
        var defaults = new ShellOptions();
        var max = ConfigSeconds.ToTimeSpan(MaxTimeoutSeconds) ?? defaults.MaxTimeout;
        var timeout = ConfigSeconds.ToTimeSpan(TimeoutSeconds) ?? defaults.DefaultTimeout;
        return defaults with
        {
            AllowNetwork = Network ?? false,
            YieldAfter = ConfigSeconds.ToTimeSpan(YieldSeconds) ?? defaults.YieldAfter,
            MaxTimeout = max,
            DefaultTimeout = timeout < max ? timeout : max,
            MaxBackgroundProcesses = MaxBackgroundProcesses ?? defaults.MaxBackgroundProcesses,
        };
    }

    private static bool TryMode(string? text, out SandboxMode mode)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "auto":
                mode = SandboxMode.Auto;
                return true;
            case "bwrap" or "bubblewrap":
                mode = SandboxMode.Bubblewrap;
                return true;
            case "none" or "off":
                mode = SandboxMode.None;
                return true;
            default:
                mode = SandboxMode.Auto;
                return false;
        }
    }
}

/// <summary>Checks the approval mode given in microagi.yaml or with --approval.</summary>
internal static class ApprovalSetting
{
    public static string? Problem(string key, string? text) =>
        text is not null && !ApprovalModes.TryParse(text, out _) ? $"{key} must be {ApprovalModes.Help}, not '{text}'" : null;
}
