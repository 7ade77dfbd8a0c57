using System.CommandLine;
using MicroAgi.Cli.Hosting;
using MicroAgi.Cli.Repl;
using MicroAgi.Cli.Repl.Input;
using MicroAgi.Cli.Repl.Rendering;
using Spectre.Console;

namespace MicroAgi.Cli.Commands;

/// <summary>
/// <c>microagi</c> / <c>microagi run [agent]</c>: the REPL, or one turn per input with -p or piped stdin.
/// Ctrl+C cancels the running turn and returns to the prompt; twice at the prompt (or <c>quit</c>) leaves.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliContext cli, RunOptions options)
    {
        var agent = new Argument<string?>("agent") { Description = "The agent entry to run (default app:dev_assistant)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("run", "Start the agent: a REPL, or one turn with -p") { agent };
        options.AddTo(command);
        command.SetAction((result, ct) => RunAsync(cli, options, result, result.GetValue(agent), ct));
        return command;
    }

    public static Task<int> RunAsync(CliContext cli, RunOptions options, ParseResult result, string? agent, CancellationToken cancellationToken)
    {
        var settings = new RunSettings(
            agent,
            result.GetValue(options.Model),
            result.GetValue(options.BaseUrl),
            !result.GetValue(options.NoStream),
            result.GetValue(options.Config)?.FullName,
            result.GetResult(options.Resume) is not null ? result.GetValue(options.Resume) ?? "" : result.GetValue(options.Continue) ? "" : null,
            result.GetValue(options.Timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            result.GetValue(options.Verbose))
        {
            Approval = result.GetValue(options.Approval),
            MaxBudgetUsd = result.GetValue(options.MaxBudgetUsd),
            Profile = result.GetValue(options.Profile),
            Raw = result.GetValue(options.Raw),
            ToolRules = ToolPolicySetup.Narrowed(Agents.Policy.ToolPolicy.Open, result, options.ToolsAllow, options.ToolsDeny).Global,
        };
        var prompt = result.GetValue(options.Prompt);
        // --resume without an id, at a terminal: the user picks the session (a script gets the newest, as before).
        if (result.GetResult(options.Resume) is not null && string.IsNullOrEmpty(result.GetValue(options.Resume)) && prompt is null
            && !Console.IsInputRedirected && cli.OutIsTerminal)
        {
            settings = settings with { Resume = SessionPicker.Pick(cli, Path.Combine(cli.Options.Read(result).StateDirectory, "sessions"), Console.ReadLine) };
        }
        var format = result.GetValue(options.OutputFormat) ?? OutputFormat.Text;
        if (format != OutputFormat.Text && prompt is null)
            throw new UsageException($"--output-format {OutputFormats.Name(format)} needs -p: it describes one turn (e.g. microagi -p \"...\" --output-format json)");
        return RunAsync(cli, cli.Options.Read(result), settings, prompt, format, cancellationToken);
    }

    /// <summary>Markdown is rendered for a person at a terminal that shows styles; piped, -p, --raw, NO_COLOR, TERM=dumb or
    /// terminal.markdown: false get the answer as the model wrote it.</summary>
    private static bool RendersMarkdown(CliContext cli, RunSettings run, TerminalConfig terminal) =>
        cli.OutIsTerminal && !run.Raw && terminal.Markdown
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && Environment.GetEnvironmentVariable("TERM") != "dumb";

    private static async Task<int> RunAsync(CliContext cli, HostSettings host, RunSettings run, string? prompt, OutputFormat format, CancellationToken cancellationToken)
    {
        // The spinner is for a person at the terminal: never in -p output, which programs read.
        using var progress = new ProgressLine(cli.Out.Profile.Out.Writer, enabled: prompt is null && cli.OutIsTerminal);
        // Only someone at a terminal can answer an approval question; -p and piped input never ask.
        if (prompt is null && !Console.IsInputRedirected) run = run with { ApprovalPrompt = new ConsoleApprovalPrompt(cli.Out, progress) };
        await using var session = await SessionHost.StartAsync(host, run, cli.RawErr, cancellationToken).ConfigureAwait(false);
        // With -p, stdout carries the answer alone: tool lines, notices and the cost line go to stderr.
        var status = new StatusLine(prompt is null ? cli.Out : cli.Err);
        var notices = prompt is null ? new StatusLine(cli.Err) : status;
        // The REPL shows what each tool call was given and returned; -p keeps its status lines short for logs.
        var calls = prompt is null ? new ToolCallDisplay(cli.Out, session.Terminal.ToolOutputFull) : null;
        var markdown = prompt is null && RendersMarkdown(cli, run, session.Terminal) ? new MarkdownStream(cli.Out.Profile.Out.Writer, () => cli.Out.Profile.Width) : null;
        var observer = new ConsoleObserver(status, cli.RawOut, showReasoning: prompt is null && cli.OutIsTerminal, progress, calls, markdown);
        // On stderr: what a script captures from stdout stays the answer alone.
        session.Retries.Retrying += (_, notice) => progress.Interrupt(() => notices.Dimmed(notice.Describe()));
        session.Retries.Waiting += (_, notice) => progress.Interrupt(() => notices.Dimmed(notice.Describe()));
        session.SelfAudit.Recorded += (_, entry) => observer.DescribeNextCall(Agents.Self.SelfTool.HandlerName, entry.Summary);
        var interrupts = new InterruptHandler();
        using var _ = interrupts.Install();

        if (session.SandboxWarning is { } unconfined) cli.Err.MarkupLine($"[yellow]warning:[/] {Markup.Escape(unconfined)}");
        foreach (var problem in session.Session.Runner.Problems)
        {
            cli.Err.MarkupLine($"[yellow]warning:[/] tool {Markup.Escape(problem.Tool)} is not available: {Markup.Escape(problem.Reason)}");
        }
        foreach (var problem in session.ToolPolicyProblems) cli.Err.MarkupLine($"[yellow]warning:[/] {Markup.Escape(problem)}");
        foreach (var refused in session.RefusedTools)
        {
            cli.Err.MarkupLine($"[yellow]warning:[/] a tool the resumed session had loaded stays out: {Markup.Escape(TerminalText.OneLine(refused, 200))}");
        }

        var turns = new TurnRunner(cli, session, interrupts, run.TurnTimeout);
        if (prompt is not null && format != OutputFormat.Text)
        {
            var json = new JsonTurnObserver(cli.Out.Profile.Out.Writer, format == OutputFormat.StreamJson, observer);
            var end = await turns.RunAsync(prompt, json, survive: false, cancellationToken).ConfigureAwait(false);
            json.Finish(session.TranscriptId, end);
            return end.ExitCode;
        }
        if (prompt is not null)
        {
            var end = await turns.RunAsync(prompt, observer, survive: false, cancellationToken).ConfigureAwait(false);
            if (end.Result is not null) status.Dimmed(ReplLoop.Describe(end, session));
            return end.ExitCode;
        }

        var commands = new SlashCommands(cli, session, observer, calls!);
        if (Console.IsInputRedirected)
            return await new ReplLoop(cli, session, turns, observer, commands, ct => Console.In.ReadLineAsync(ct).AsTask()).RunPipedAsync(cancellationToken).ConfigureAwait(false);
        var keyboard = new TerminalPrompt(cli.Out.Profile.Out.Writer, InputHistory.Load(host.StateDirectory), interrupts, commands.Complete);
        return await new ReplLoop(cli, session, turns, observer, commands, keyboard.ReadLineAsync).RunInteractiveAsync(cancellationToken).ConfigureAwait(false);
    }
}
