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
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var output = CreateConsole(stdout, Console.IsOutputRedirected);
        var error = CreateConsole(stderr, Console.IsErrorRedirected);
        var cli = new CliContext(new GlobalOptions(), output, error, !Console.IsOutputRedirected, !Console.IsErrorRedirected);
        var root = BuildRoot(cli);
        var parsed = root.Parse(args);
        try
        {
            var code = await parsed.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                // The REPL handles Ctrl+C itself (cancel the turn, not the session); without this,
                // System.CommandLine would cancel the whole command on the first Ctrl+C.
                ProcessTerminationTimeout = null,
                Output = stdout,
                Error = stderr,
            }).ConfigureAwait(false);
            // System.CommandLine has printed what was wrong with the command line, and help.
            return parsed.Errors.Count > 0 ? ExitCodes.Usage : code;
        }
        catch (OperationCanceledException)
        {
            error.MarkupLine("[yellow]cancelled[/]");
            return ExitCodes.Cancelled;
        }
#pragma warning disable CA1031 // The last line of defence: every failure is one message and an exit code a script can use.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var code = ExitCodeOf(ex);
            if (code == ExitCodes.Internal)
            {
                error.MarkupLine($"[red]internal error:[/] {Markup.Escape(cli.ShownOnErr(UserMessage(ex)))}");
                error.MarkupLine("[dim]this is a bug in MicroAgi; please report it with the command you ran[/]");
            }
            else
            {
                error.MarkupLine($"[red]error:[/] {Markup.Escape(cli.ShownOnErr(UserMessage(ex)))}");
            }
            return code;
        }
    }

    /// <summary>The exit code for a failure that reached the top, by what kind of failure it is.</summary>
    internal static int ExitCodeOf(Exception ex) => ex switch
    {
        UsageException or ConfigException => ExitCodes.Usage,
        MicroAgi.Llm.Errors.LlmException => ExitCodes.Provider,
        OperationCanceledException => ExitCodes.Cancelled,
        AppLoadException or RegistryStoreException or ChangeSetConflictException
            or MicroAgi.Security.InvalidPolicyException or MicroAgi.Security.PolicyEvaluationException
            or MicroAgi.Agents.Definitions.AgentDefinitionException or Repl.BudgetExceededException
            or FormatException or ArgumentException or InvalidOperationException
            // File system trouble (a path that is a file, a full disk, no permission) is the user's to fix, not a bug.
            or IOException or UnauthorizedAccessException => ExitCodes.Failure,
        _ => ExitCodes.Internal,
    };

    /// <summary>
    /// An exception's message as a user should read it: .NET appends " (Parameter 'name')" to an argument
    /// exception's message, a name from our source that means nothing to the reader.
    /// </summary>
    internal static string UserMessage(Exception ex) =>
        ex is ArgumentException { ParamName: { } name } argument
            ? argument.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
            : ex.Message;

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
        root.Add(SessionsCommands.Create(cli));
        root.Add(ProfileCommands.Create(cli));
        root.Add(McpCommands.Create(cli));
        root.Add(ConfigCommands.Create(cli));
        root.Add(CompletionCommand.Create(cli, root));
        HelpText.Extend(root);
        return root;
    }

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
