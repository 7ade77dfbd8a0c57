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
            result.GetResult(options.Resume) is null ? null : result.GetValue(options.Resume) ?? "");
        var format = result.GetValue(options.OutputFormat) ?? OutputFormat.Text;
        if (format != OutputFormat.Text && result.GetValue(options.Prompt) is null)
            throw new UsageException($"--output-format {format.ToString().ToLowerInvariant()} needs -p: it describes one turn (e.g. microagi -p \"...\" --output-format json)");
        return RunAsync(cli, cli.Options.Read(result), settings, result.GetValue(options.Prompt), format, cancellationToken);
    }

    private static async Task<int> RunAsync(CliContext cli, HostSettings host, RunSettings run, string? prompt, OutputFormat format, CancellationToken cancellationToken)
    {
        await using var session = await SessionHost.StartAsync(host, run, cancellationToken).ConfigureAwait(false);
        // With -p, stdout carries the answer alone: tool lines, notices and the cost line go to stderr.
        var status = prompt is null ? cli.Out : cli.Err;
        var observer = new ConsoleObserver(status, cli.RawOut, showReasoning: prompt is null && cli.OutIsTerminal);
        // On stderr: what a script captures from stdout stays the answer alone.
        session.Retries.Retrying += (_, notice) => cli.Err.MarkupLine($"[dim]{Markup.Escape(notice.Describe())}[/]");
        session.SelfAudit.Recorded += (_, entry) => observer.DescribeNextCall(Agents.Self.SelfTool.HandlerName, entry.Summary);
        var interrupts = new InterruptHandler();
        using var _ = interrupts.Install();

        foreach (var problem in session.Session.Runner.Problems)
        {
            cli.Err.MarkupLine($"[yellow]warning:[/] tool {Markup.Escape(problem.Tool)} is not available: {Markup.Escape(problem.Reason)}");
        }

        if (prompt is not null && format != OutputFormat.Text)
            return await RunJsonTurnAsync(cli, session, new JsonTurnObserver(cli.RawOut, format == OutputFormat.StreamJson), interrupts, prompt, cancellationToken).ConfigureAwait(false);
        if (prompt is not null) return await RunTurnAsync(cli, session, observer, status, interrupts, prompt, survive: false, cancellationToken).ConfigureAwait(false);

        if (Console.IsInputRedirected)
        {
            // Scripts pipe prompts in: every non-empty line is one turn, up to a quit line or the end.
            // The exit code is the first failed turn's, so a script learns what went wrong first.
            var code = ExitCodes.Success;
            while (await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (IsQuit(line)) break;
                if (string.IsNullOrWhiteSpace(line)) continue;
                var turn = await RunTurnAsync(cli, session, observer, status, interrupts, line, survive: true, cancellationToken).ConfigureAwait(false);
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
            await RunTurnAsync(cli, session, observer, status, interrupts, line, survive: true, cancellationToken).ConfigureAwait(false);
        }
        cli.Out.MarkupLine($"[dim]session {Markup.Escape(session.TranscriptId)}: {Markup.Escape(session.Costs.Session.Describe())}[/]");
        return 0;
    }

    /// <summary>-p with --output-format json or stream-json: the result object is printed whatever the outcome
    /// (with <c>error</c> when the turn failed), errors also go to stderr, and the exit code is as for text.</summary>
    private static async Task<int> RunJsonTurnAsync(CliContext cli, SessionHost host, JsonTurnObserver observer, InterruptHandler interrupts, string prompt, CancellationToken cancellationToken)
    {
        using var turn = interrupts.BeginTurn(cancellationToken);
        try
        {
            await host.RefreshRegistryAsync(turn.Token).ConfigureAwait(false);
            var result = await host.Session.RunTurnAsync(prompt, observer, turn.Token).ConfigureAwait(false);
            var outcome = result.Outcome switch
            {
                TurnOutcome.Answered => "answered",
                TurnOutcome.Truncated => "truncated",
                _ => "iteration_limit",
            };
            observer.Finish(host.TranscriptId, result.Usage, outcome, error: null);
            return result.Outcome == TurnOutcome.Answered ? ExitCodes.Success : ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is OperationCanceledException or LlmException or Registry.RegistryStoreException)
        {
            var cancelled = ex is OperationCanceledException;
            var message = cancelled ? "cancelled" : CliApplication.UserMessage(ex);
            observer.Finish(host.TranscriptId, host.Costs.CurrentTurn, cancelled ? "cancelled" : "failed", message);
            cli.Err.MarkupLine(cancelled ? "[yellow]cancelled[/]" : $"[red]error:[/] {Markup.Escape(cli.ShownOnErr(message))}");
            return CliApplication.ExitCodeOf(ex);
        }
    }

    private static bool IsQuit(string line) => line.Trim() is "quit" or "exit";

    /// <param name="survive">Whether an unexpected exception ends only the turn (the REPL and piped lines: the
    /// loop keeps the conversation valid whatever throws, so the session is safe to go on) rather than the
    /// run (-p, where it reaches the top and exits with <see cref="ExitCodes.Internal"/>).</param>
    /// <returns>The turn's exit code (<see cref="ExitCodes"/>): the REPL goes on whatever it is; a one-shot run exits with it.</returns>
    /// <param name="status">Where the turn's cost line goes: stdout in the REPL, stderr with -p.</param>
    private static async Task<int> RunTurnAsync(CliContext cli, SessionHost host, ConsoleObserver observer, IAnsiConsole status, InterruptHandler interrupts, string prompt, bool survive, CancellationToken cancellationToken)
    {
        using var turn = interrupts.BeginTurn(cancellationToken);
        try
        {
            await host.RefreshRegistryAsync(turn.Token).ConfigureAwait(false);
            var result = await host.Session.RunTurnAsync(prompt, observer, turn.Token).ConfigureAwait(false);
            observer.EndLine();
            status.MarkupLine($"[dim]{Markup.Escape(result.Usage.Describe())} · session {Markup.Escape(host.Costs.Session.Describe())}[/]");
            return result.Outcome == TurnOutcome.Answered ? ExitCodes.Success : ExitCodes.Failure;
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

/// <summary>What -p prints on stdout: the answer as text, one JSON object, or one JSON event per line.</summary>
internal enum OutputFormat
{
    Text,
    Json,
    StreamJson,
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

/// <summary>Reads --output-format's words (stream-json has a dash, which an enum name cannot).</summary>
internal static class OutputFormats
{
    public static OutputFormat? Parse(System.CommandLine.Parsing.ArgumentResult result)
    {
        var word = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        switch (word)
        {
            case "text": return OutputFormat.Text;
            case "json": return OutputFormat.Json;
            case "stream-json": return OutputFormat.StreamJson;
            default:
                result.AddError($"--output-format must be text, json or stream-json, not '{word}'");
                return null;
        }
    }
}
