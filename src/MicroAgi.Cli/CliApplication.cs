using System.CommandLine;
using MicroAgi.Cli.Commands;
using MicroAgi.Cli.Hosting;
using MicroAgi.Registry;
using MicroAgi.Registry.Loading;
using Spectre.Console;

namespace MicroAgi.Cli;

/// <summary>Builds the <c>microagi</c> command tree and turns known failures into one-line errors.</summary>
internal static class CliApplication
{
    /// <summary>Exit code for a failure the user can fix (bad input, conflict, missing file).</summary>
    public const int UserError = 1;

    /// <summary>Exit code for a bug in MicroAgi itself.</summary>
    public const int InternalError = 70;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var output = CreateConsole(stdout, Console.IsOutputRedirected);
        var error = CreateConsole(stderr, Console.IsErrorRedirected);
        var cli = new CliContext(new GlobalOptions(), output, error);
        var root = BuildRoot(cli);
        var parsed = root.Parse(args);
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                // The REPL handles Ctrl+C itself (cancel the turn, not the session); without this,
                // System.CommandLine would cancel the whole command on the first Ctrl+C.
                ProcessTerminationTimeout = null,
                Output = stdout,
                Error = stderr,
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            error.MarkupLine($"[red]error:[/] {Markup.Escape(ex.Message)}");
            return UserError;
        }
        catch (OperationCanceledException)
        {
            error.MarkupLine("[yellow]cancelled[/]");
            return 130;
        }
#pragma warning disable CA1031 // The last line of defence: report any bug as one message and a distinct exit code.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error.MarkupLine($"[red]internal error ({Markup.Escape(ex.GetType().Name)}):[/] {Markup.Escape(ex.Message)}");
            error.MarkupLine("[dim]this is a bug in MicroAgi; please report it with the command you ran[/]");
            return InternalError;
        }
    }

    internal static RootCommand BuildRoot(CliContext cli)
    {
        var root = new RootCommand("MicroAgi: a self-modifying terminal agent that writes, registers and loads its own sandboxed Lua tools");
        cli.Options.AddTo(root);
        var run = new RunOptions();
        run.AddTo(root);
        root.SetAction((result, ct) => RunCommand.RunAsync(cli, run, result, agent: null, ct));
        root.Add(RunCommand.Create(cli, new RunOptions()));
        root.Add(RegistryCommands.Create(cli));
        root.Add(PolicyCommands.Create(cli));
        root.Add(ToolsCommands.Create(cli));
        root.Add(SelfCommands.Create(cli));
        return root;
    }

    private static bool IsUserError(Exception ex) => ex is AppLoadException or RegistryStoreException or ChangeSetConflictException
        or MicroAgi.Security.InvalidPolicyException or MicroAgi.Security.PolicyEvaluationException
        or ConfigException or MicroAgi.Agents.Definitions.AgentDefinitionException or MicroAgi.Llm.Errors.LlmException
        or FormatException or ArgumentException or InvalidOperationException
        // File system trouble (a path that is a file, a full disk, no permission) is the user's to fix, not a bug.
        or IOException or UnauthorizedAccessException;

    private static IAnsiConsole CreateConsole(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        // Scripts read our tables: do not wrap them at 80 columns when nobody is looking.
        if (redirected) console.Profile.Width = 240;
        return console;
    }
}
