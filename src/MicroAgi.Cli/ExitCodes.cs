namespace MicroAgi.Cli;

/// <summary>
/// What a script can tell from microagi's exit code (docs/exit-codes.md). The numbers follow shell
/// custom: 2 for misuse, 70 (sysexits' EX_SOFTWARE) for a bug, 128 + SIGINT for an interrupt.
/// </summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The work failed for a reason the user can fix: not found, a conflict, a refused tool, a turn without an answer.</summary>
    public const int Failure = 1;

    /// <summary>The command line or the configuration cannot be used as given: nothing was attempted.</summary>
    public const int Usage = 2;

    /// <summary>The model provider failed: unreachable, refused the key, kept answering with errors, or timed out.</summary>
    public const int Provider = 3;

    /// <summary>A bug in MicroAgi itself.</summary>
    public const int Internal = 70;

    /// <summary>Interrupted with Ctrl+C (or cancelled).</summary>
    public const int Cancelled = 130;
}

/// <summary>A command-line argument or option value that cannot be used; exits with <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner);
