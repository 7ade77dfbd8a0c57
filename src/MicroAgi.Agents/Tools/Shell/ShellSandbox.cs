using System.Diagnostics;

namespace MicroAgi.Agents.Tools.Shell;

/// <summary>Whether commands run in a sandbox: <c>auto</c> uses bubblewrap when it works here, <c>bwrap</c> requires it, <c>none</c> never uses it.</summary>
public enum SandboxMode
{
    Auto,
    Bubblewrap,
    None,
}

/// <summary>
/// Runs commands inside bubblewrap (<c>bwrap</c>) when it is available: the whole file system read-only,
/// the workspace and a private <c>/tmp</c> writable, no network unless allowed, its own process
/// namespace that dies with it. Without bubblewrap commands run unconfined, and <see cref="Warning"/> says so.
/// </summary>
public sealed class ShellSandbox
{
    private readonly string? _bwrap;

    private ShellSandbox(string? bwrap, string? warning)
    {
        _bwrap = bwrap;
        Warning = warning;
    }

    /// <summary>Whether commands are confined.</summary>
    public bool IsActive => _bwrap is not null;

    /// <summary>Why commands are not confined, for the user to read at start; null when they are (or when the user chose none).</summary>
    public string? Warning { get; }

    /// <summary>Commands run as they are, with no warning (tests and the user's explicit <c>sandbox: none</c>).</summary>
    public static ShellSandbox Off { get; } = new(null, null);

    /// <summary>Finds bubblewrap on <paramref name="searchPath"/> (default $PATH) and checks that it can start a sandbox on this machine (user namespaces may be disabled).</summary>
    public static ShellSandbox Detect(SandboxMode mode, string? searchPath = null)
    {
        if (mode == SandboxMode.None) return Off;
        var bwrap = FindOnPath("bwrap", searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin");
        var problem = bwrap is null ? "bwrap (the bubblewrap package) is not installed" : Probe(bwrap);
        if (problem is null) return new ShellSandbox(bwrap, null);
        if (mode == SandboxMode.Bubblewrap)
            throw new InvalidOperationException($"tools.exec.sandbox is bwrap but {problem}; install bubblewrap (apt-get install bubblewrap) or set sandbox: auto");
        return new ShellSandbox(null, $"commands run WITHOUT a sandbox: {problem}; they can change any file you can and reach the network (install bubblewrap to confine them; see docs/tools.md)");
    }

    /// <summary>The program and arguments that run <paramref name="command"/> through bash, in the sandbox when there is one.</summary>
    public IReadOnlyList<string> CommandLine(string command, string workspace, string cwd, bool allowNetwork)
    {
        if (_bwrap is null) return ["bash", "-c", command];
        var args = new List<string>
        {
            _bwrap,
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            "--proc", "/proc",
            "--tmpfs", "/tmp",
            "--bind", workspace, workspace,
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--die-with-parent",
            "--setenv", "TMPDIR", "/tmp",
            "--chdir", cwd,
        };
        if (!allowNetwork) args.Add("--unshare-net");
        args.AddRange(["--", "bash", "-c", command]);
        return args;
    }

    private static string? Probe(string bwrap)
    {
        try
        {
            var start = new ProcessStartInfo(bwrap) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in new[] { "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-pid", "--unshare-net", "--", "true" }) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
                return "bwrap did not start within 10 s";
            }
            return process.ExitCode == 0 ? null : $"bwrap cannot create a sandbox here ({error.Trim()})";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"bwrap cannot be started ({ex.Message})";
        }
    }

    private static string? FindOnPath(string program, string searchPath) =>
        searchPath
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
