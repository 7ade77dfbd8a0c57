using System.CommandLine;
using MicroAgi.Agents.Runtime;
using MicroAgi.Cli.Hosting;
using MicroAgi.Llm.Errors;
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
            Profile = result.GetValue(options.Profile),
            ToolRules = ToolPolicySetup.Narrowed(Agents.Policy.ToolPolicy.Open, result, options.ToolsAllow, options.ToolsDeny).Global,
        };
        return RunAsync(cli, cli.Options.Read(result), settings, result.GetValue(options.Prompt), cancellationToken);
    }

    private static async Task<int> RunAsync(CliContext cli, HostSettings host, RunSettings run, string? prompt, CancellationToken cancellationToken)
    {
        // Only someone at a terminal can answer an approval question; -p and piped input never ask.
        if (prompt is null && !Console.IsInputRedirected) run = run with { ApprovalPrompt = new ConsoleApprovalPrompt(cli.Out) };
        await using var session = await SessionHost.StartAsync(host, run, cli.RawErr, cancellationToken).ConfigureAwait(false);
        var observer = new ConsoleObserver(cli.Out, cli.RawOut, cli.OutIsTerminal);
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
        foreach (var problem in session.ToolPolicyProblems) cli.Err.MarkupLine($"[yellow]warning:[/] {Markup.Escape(problem)}");
        foreach (var refused in session.RefusedTools)
        {
            cli.Err.MarkupLine($"[yellow]warning:[/] a tool the resumed session had loaded stays out: {Markup.Escape(TerminalText.OneLine(refused, 200))}");
        }

        if (prompt is not null) return await RunTurnAsync(cli, session, observer, interrupts, prompt, survive: false, run.TurnTimeout, cancellationToken).ConfigureAwait(false);

        if (Console.IsInputRedirected)
        {
            // Scripts pipe prompts in: every non-empty line is one turn, up to a quit line or the end.
            // The exit code is the first failed turn's, so a script learns what went wrong first.
            var code = ExitCodes.Success;
            while (await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (IsQuit(line)) break;
                if (string.IsNullOrWhiteSpace(line)) continue;
                var turn = await RunTurnAsync(cli, session, observer, interrupts, line, survive: true, run.TurnTimeout, cancellationToken).ConfigureAwait(false);
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
            await RunTurnAsync(cli, session, observer, interrupts, line, survive: true, run.TurnTimeout, cancellationToken).ConfigureAwait(false);
        }
        cli.Out.MarkupLine($"[dim]session {Markup.Escape(session.TranscriptId)}: {Markup.Escape(session.Costs.Session.Describe())}[/]");
        return 0;
    }

    private static bool IsQuit(string line) => line.Trim() is "quit" or "exit";

    /// <param name="survive">Whether an unexpected exception ends only the turn (the REPL and piped lines: the
    /// loop keeps the conversation valid whatever throws, so the session is safe to go on) rather than the
    /// run (-p, where it reaches the top and exits with <see cref="ExitCodes.Internal"/>).</param>
    /// <param name="timeout">How long the whole turn may take (--timeout); null for no limit.</param>
    /// <returns>The turn's exit code (<see cref="ExitCodes"/>): the REPL goes on whatever it is; a one-shot run exits with it.</returns>
    private static async Task<int> RunTurnAsync(CliContext cli, SessionHost host, ConsoleObserver observer, InterruptHandler interrupts, string prompt, bool survive, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit) deadline.CancelAfter(limit);
        using var turn = interrupts.BeginTurn(deadline.Token);
        try
        {
            await host.RefreshRegistryAsync(turn.Token).ConfigureAwait(false);
            var result = await host.Session.RunTurnAsync(prompt, observer, turn.Token).ConfigureAwait(false);
            observer.EndLine();
            cli.Out.MarkupLine($"[dim]{Markup.Escape(result.Usage.Describe())} · session {Markup.Escape(host.Costs.Session.Describe())}[/]");
            return result.Outcome == TurnOutcome.Answered ? ExitCodes.Success : ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            observer.EndLine();
            cli.Err.MarkupLine($"[red]error:[/] the turn took longer than --timeout {ConfigSeconds.Text(timeout!.Value.TotalSeconds)} s and was stopped; "
                + "the conversation keeps the request (raise --timeout for longer work)");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (turn.Token.IsCancellationRequested)
        {
            observer.EndLine();
            cli.Err.MarkupLine("[yellow]cancelled[/]");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (ex is LlmException or Registry.RegistryStoreException)
        {
            // The turn failed, the session did not: the conversation keeps the request for a retry.
            observer.EndLine();
            cli.Err.MarkupLine($"[red]error:[/] {Markup.Escape(cli.ShownOnErr(ex.Message))}");
            return CliApplication.ExitCodeOf(ex);
        }
#pragma warning disable CA1031 // An unplanned failure in one turn must not take the conversation with it.
        catch (Exception ex) when (survive && ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            observer.EndLine();
            cli.Err.MarkupLine($"[red]error:[/] {Markup.Escape(cli.ShownOnErr(CliApplication.UserMessage(ex)))}");
            cli.Err.MarkupLine("[dim]the turn ended, the session goes on with its conversation; if this was not a setting of yours, it is a bug in MicroAgi: please report it[/]");
            return CliApplication.ExitCodeOf(ex);
        }
    }
}

/// <summary>
/// Ctrl+C during a turn cancels that turn; at the prompt it reminds how to leave. A second Ctrl+C
/// within two seconds of the first leaves, wherever it comes.
/// </summary>
internal sealed class InterruptHandler
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _turn;
    private DateTimeOffset _lastInterrupt = DateTimeOffset.MinValue;
    private readonly CancellationTokenSource _exit = new();

    public IDisposable Install()
    {
        ConsoleCancelEventHandler handler = OnCancel;
        Console.CancelKeyPress += handler;
        return new Unsubscribe(() => Console.CancelKeyPress -= handler);
    }

    public CancellationTokenSource BeginTurn(CancellationToken outer)
    {
        lock (_gate)
        {
            _turn = CancellationTokenSource.CreateLinkedTokenSource(outer, _exit.Token);
            return _turn;
        }
    }

    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        lock (_gate) _turn = null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _exit.Token);
        try
        {
            // Console reads block their thread and ignore cancellation: read on the pool and abandon the read on exit.
            return await Task.Run(Console.In.ReadLine, CancellationToken.None).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            var secondPress = now - _lastInterrupt < TimeSpan.FromSeconds(2);
            _lastInterrupt = now;
            if (secondPress)
            {
                _exit.Cancel();
                return;
            }
            if (_turn is { IsCancellationRequested: false } turn) turn.Cancel();
            else Console.Error.WriteLine("\n(press Ctrl+C again to exit, or type quit)");
        }
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
