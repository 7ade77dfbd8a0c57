using System.Runtime.InteropServices;

namespace MicroAgi.Agents.Tools.Shell;

/// <summary>
/// Signals a whole process group. Every command starts as the leader of its own group (through
/// <c>setsid</c>), so stopping it reaches everything it started — pipes, subshells, background jobs —
/// not just the shell.
/// </summary>
internal static partial class ProcessGroup
{
    private const int SigKill = 9;

    /// <summary>Kills every process in the group led by <paramref name="leaderPid"/>; a group already gone is fine.</summary>
    public static void Kill(int leaderPid)
    {
        if (leaderPid <= 1) return;
        _ = kill(-leaderPid, SigKill);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
