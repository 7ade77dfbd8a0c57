using MicroAgi.Agents.Runtime;
using MicroAgi.Cli.Commands;
using MicroAgi.Cli.Hosting;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Usage;
using Spectre.Console;

namespace MicroAgi.Cli.Repl;

/// <summary>What a turn shows as it runs, and the line it ends before anything else is printed.</summary>
internal interface ITurnView : IAgentObserver
{
    /// <summary>The turn starts (the progress display starts counting).</summary>
    void Begin();

    /// <summary>Ends the streamed answer's line (and stops any progress display), so what follows starts at the left margin.</summary>
    void EndLine();
}

/// <summary>How a turn ended: its exit code, a word for programs, what it spent, and the error when it failed.</summary>
/// <param name="Result">The loop's result; null when the turn failed or was cancelled.</param>
internal sealed record TurnEnd(int ExitCode, string Outcome, UsageReport Usage, string? Error, TurnResult? Result)
{
    /// <summary>How long the turn took, from the prompt to its last word.</summary>
    public TimeSpan Elapsed { get; init; }
}

/// <summary>
/// Runs one user turn for every front end (REPL, piped lines, -p, JSON output): the --timeout deadline, Ctrl+C,
/// and every failure turned into a line on stderr and an exit code — the conversation keeps the request.
/// </summary>
internal sealed class TurnRunner(CliContext cli, SessionHost host, InterruptHandler interrupts, TimeSpan? timeout)
{
    /// <param name="survive">Whether an unexpected exception ends only the turn (the REPL and piped lines: the
    /// loop keeps the conversation valid whatever throws, so the session is safe to go on) rather than the
    /// run (-p, where it reaches the top and exits with <see cref="ExitCodes.Internal"/>).</param>
    public async Task<TurnEnd> RunAsync(string prompt, ITurnView view, bool survive, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var end = await RunUnrecordedAsync(prompt, view, survive, cancellationToken).ConfigureAwait(false);
        if (end.Usage.Requests > 0) host.RecordTurn(end.Usage);
        return end with { Elapsed = clock.Elapsed };
    }

    private async Task<TurnEnd> RunUnrecordedAsync(string prompt, ITurnView view, bool survive, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit) deadline.CancelAfter(limit);
        using var turn = interrupts.BeginTurn(deadline.Token);
        view.Begin();
        try
        {
            await host.RefreshRegistryAsync(turn.Token).ConfigureAwait(false);
            var result = await host.Session.RunTurnAsync(prompt, view, turn.Token).ConfigureAwait(false);
            view.EndLine();
            var (code, outcome) = result.Outcome switch
            {
                TurnOutcome.Answered => (ExitCodes.Success, "answered"),
                TurnOutcome.Truncated => (ExitCodes.Failure, "truncated"),
                _ => (ExitCodes.Failure, "iteration_limit"),
            };
            return new TurnEnd(code, outcome, result.Usage, null, result);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Failed(view, "timeout", ExitCodes.Failure,
                $"the turn took longer than --timeout {ConfigSeconds.Text(timeout!.Value.TotalSeconds)} s and was stopped; the conversation keeps the request (raise --timeout for longer work)");
        }
        catch (OperationCanceledException) when (turn.Token.IsCancellationRequested)
        {
            view.EndLine();
            cli.Err.MarkupLine("[yellow]cancelled[/]");
            return new TurnEnd(ExitCodes.Cancelled, "cancelled", host.Costs.LastTurn, "cancelled", null);
        }
        catch (Exception ex) when (ex is LlmException or Registry.RegistryStoreException or BudgetExceededException)
        {
            // The turn failed, the session did not: the conversation keeps the request for a retry.
            return Failed(view, ex is BudgetExceededException ? "budget_exceeded" : "failed", CliApplication.ExitCodeOf(ex), ex.Message);
        }
#pragma warning disable CA1031 // An unplanned failure in one turn must not take the conversation with it.
        catch (Exception ex) when (survive && ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            var end = Failed(view, "failed", CliApplication.ExitCodeOf(ex), CliApplication.UserMessage(ex));
            cli.Err.MarkupLine("[dim]the turn ended, the session goes on with its conversation; if this was not a setting of yours, it is a bug in MicroAgi: please report it[/]");
            return end;
        }
    }

    private TurnEnd Failed(ITurnView view, string outcome, int code, string message)
    {
        view.EndLine();
        cli.Err.MarkupLine($"[red]error:[/] {Markup.Escape(cli.ShownOnErr(message))}");
        return new TurnEnd(code, outcome, host.Costs.LastTurn, message, null);
    }
}
