using MicroAgi.Cli.Hosting;
using Spectre.Console;

namespace MicroAgi.Cli.Commands;

/// <summary>What every command needs: the global options and the consoles to write to.</summary>
internal sealed class CliContext(GlobalOptions options, IAnsiConsole output, IAnsiConsole error)
{
    public GlobalOptions Options { get; } = options;
    public IAnsiConsole Out { get; } = output;
    public IAnsiConsole Err { get; } = error;

    /// <summary>
    /// The plain writer behind <see cref="Out"/>: Spectre's WriteLine re-wraps long lines at the console
    /// width and reads brackets as markup, which would break printed source, JSON and Lua errors apart.
    /// </summary>
    public TextWriter RawOut => Out.Profile.Out.Writer;

    /// <summary>The plain writer behind <see cref="Err"/> (see <see cref="RawOut"/>).</summary>
    public TextWriter RawErr => Err.Profile.Out.Writer;
}
