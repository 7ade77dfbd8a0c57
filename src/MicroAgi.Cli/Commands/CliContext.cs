using MicroAgi.Cli.Hosting;
using Spectre.Console;

namespace MicroAgi.Cli.Commands;

/// <summary>What every command needs: the global options and the consoles to write to.</summary>
internal sealed class CliContext(GlobalOptions options, IAnsiConsole output, IAnsiConsole error)
{
    public GlobalOptions Options { get; } = options;
    public IAnsiConsole Out { get; } = output;
    public IAnsiConsole Err { get; } = error;
}
