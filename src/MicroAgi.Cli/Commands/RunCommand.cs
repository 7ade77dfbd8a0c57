using System.CommandLine;
using MicroAgi.Cli.Hosting;
using MicroAgi.Cli.Repl;
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
            result.GetResult(options.Resume) is null ? null : result.GetValue(options.Resume) ?? "",
            result.GetValue(options.Timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            result.GetValue(options.Verbose))
        {
            Approval = result.GetValue(options.Approval),
            MaxBudgetUsd = result.GetValue(options.MaxBudgetUsd),
        };
        var prompt = result.GetValue(options.Prompt);
        var format = result.GetValue(options.OutputFormat) ?? OutputFormat.Text;
        if (format != OutputFormat.Text && prompt is null)
            throw new UsageException($"--output-format {OutputFormats.Name(format)} needs -p: it describes one turn (e.g. microagi -p \"...\" --output-format json)");
        return RunAsync(cli, cli.Options.Read(result), settings, prompt, format, cancellationToken);
    }

    private static async Task<int> RunAsync(CliContext cli, HostSettings host, RunSettings run, string? prompt, OutputFormat format, CancellationToken cancellationToken)
    {
        // Only someone at a terminal can answer an approval question; -p and piped input never ask.
        if (prompt is null && !Console.IsInputRedirected) run = run with { ApprovalPrompt = new ConsoleApprovalPrompt(cli.Out) };
        await using var session = await SessionHost.StartAsync(host, run, cli.RawErr, cancellationToken).ConfigureAwait(false);
        // With -p, stdout carries the answer alone: tool lines, notices and the cost line go to stderr.
        var status = prompt is null ? cli.Out : cli.Err;
        var observer = new ConsoleObserver(status, cli.RawOut, showReasoning: prompt is null && cli.OutIsTerminal);
        // On stderr: what a script captures from stdout stays the answer alone.
        session.Retries.Retrying += (_, notice) => cli.Err.MarkupLine($"[dim]{Markup.Escape(notice.Describe())}[/]");
        session.Retries.Waiting += (_, notice) => cli.Err.MarkupLine($"[dim]{Markup.Escape(notice.Describe())}[/]");
        session.SelfAudit.Recorded += (_, entry) => observer.DescribeNextCall(Agents.Self.SelfTool.HandlerName, entry.Summary);
        var interrupts = new InterruptHandler();
        using var _ = interrupts.Install();

        if (session.SandboxWarning is { } unconfined) cli.Err.MarkupLine($"[yellow]warning:[/] {Markup.Escape(unconfined)}");
        foreach (var problem in session.Session.Runner.Problems)
        {
            cli.Err.MarkupLine($"[yellow]warning:[/] tool {Markup.Escape(problem.Tool)} is not available: {Markup.Escape(problem.Reason)}");
        }
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
        if (prompt is not null) return await RunTextTurnAsync(turns, session, observer, status, prompt, survive: false, cancellationToken).ConfigureAwait(false);

        if (Console.IsInputRedirected)
        {
            // Scripts pipe prompts in: every non-empty line is one turn, up to a quit line or the end.
            // The exit code is the first failed turn's, so a script learns what went wrong first.
            var code = ExitCodes.Success;
            while (await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (IsQuit(line)) break;
                if (string.IsNullOrWhiteSpace(line)) continue;
                var turn = await RunTextTurnAsync(turns, session, observer, status, line, survive: true, cancellationToken).ConfigureAwait(false);
                if (code == ExitCodes.Success) code = turn;
            }
            return code;
        }

        cli.Out.MarkupLine($"{Markup.Escape(session.Session.Context.AgentId.Name.Replace('_', ' '))} (quit to exit)");
        cli.Out.MarkupLine($"[dim]model {Markup.Escape(session.Session.Runner.Model.Name)} · session {Markup.Escape(session.TranscriptId)}[/]");
        while (true)
        {
            cli.Out.Markup("> ");
            var line = await interrupts.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null || IsQuit(line)) break;
            if (string.IsNullOrWhiteSpace(line)) continue;
            await RunTextTurnAsync(turns, session, observer, status, line, survive: true, cancellationToken).ConfigureAwait(false);
        }
        cli.Out.MarkupLine($"[dim]session {Markup.Escape(session.TranscriptId)}: {Markup.Escape(session.Costs.Session.Describe())}[/]");
        return 0;
    }

    private static bool IsQuit(string line) => line.Trim() is "quit" or "exit";

    /// <param name="status">Where the turn's cost line goes: stdout in the REPL, stderr with -p.</param>
    /// <returns>The turn's exit code (<see cref="ExitCodes"/>): the REPL goes on whatever it is; a one-shot run exits with it.</returns>
    private static async Task<int> RunTextTurnAsync(TurnRunner turns, SessionHost host, ConsoleObserver observer, IAnsiConsole status, string prompt, bool survive, CancellationToken cancellationToken)
    {
        var end = await turns.RunAsync(prompt, observer, survive, cancellationToken).ConfigureAwait(false);
        if (end.Result is not null) status.MarkupLine($"[dim]{Markup.Escape(end.Usage.Describe())} · session {Markup.Escape(host.Costs.Session.Describe())}[/]");
        return end.ExitCode;
    }
}
