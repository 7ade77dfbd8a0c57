using MicroAgi.Cli.Hosting;
using Spectre.Console;

namespace MicroAgi.Cli.Commands;

/// <summary>What every command needs: the global options and the consoles to write to.</summary>
internal sealed class CliContext
{
    public CliContext(GlobalOptions options, IAnsiConsole output, IAnsiConsole error, bool outIsTerminal, bool errIsTerminal)
    {
        Options = options;
        Out = output;
        Err = error;
        OutIsTerminal = outIsTerminal;
        ErrIsTerminal = errIsTerminal;
        RawOut = TerminalText.For(output.Profile.Out.Writer, outIsTerminal);
        RawErr = TerminalText.For(error.Profile.Out.Writer, errIsTerminal);
    }

    public GlobalOptions Options { get; }
    public IAnsiConsole Out { get; }
    public IAnsiConsole Err { get; }
    public bool OutIsTerminal { get; }
    public bool ErrIsTerminal { get; }

    /// <summary>
    /// The plain writer behind <see cref="Out"/>, for text a model, a tool or the database wrote: Spectre's
    /// WriteLine re-wraps long lines at the console width and reads brackets as markup, which would break
    /// printed source, JSON and Lua errors apart. On a terminal it shows control characters as text
    /// (<see cref="TerminalText"/>); piped, it passes every byte.
    /// </summary>
    public TextWriter RawOut { get; }

    /// <summary>The plain writer behind <see cref="Err"/> (see <see cref="RawOut"/>).</summary>
    public TextWriter RawErr { get; }

    /// <summary>Stored or generated text for a cell or line of <see cref="Out"/>, made visible on a terminal.</summary>
    public string ShownOnOut(string text) => TerminalText.For(text, OutIsTerminal);

    /// <summary>Stored or generated text for a line of <see cref="Err"/>, made visible on a terminal.</summary>
    public string ShownOnErr(string text) => TerminalText.For(text, ErrIsTerminal);
}
