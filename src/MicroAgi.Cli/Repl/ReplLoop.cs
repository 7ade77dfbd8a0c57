using System.Globalization;
using MicroAgi.Cli.Commands;
using MicroAgi.Cli.Hosting;
using Spectre.Console;

namespace MicroAgi.Cli.Repl;

/// <summary>
/// The conversation at the keyboard (or from piped lines): each line is a slash command run here, or a prompt
/// run as a turn, whose end is reported in one dim line (what it spent, how long it took).
/// </summary>
internal sealed class ReplLoop(CliContext cli, SessionHost host, TurnRunner turns, ConsoleObserver observer, SlashCommands commands, Func<CancellationToken, Task<string?>> readLine)
{
    private readonly SlashCommands _commands = commands;

    /// <summary>Piped input: every non-empty line is one turn or command, up to a quit line or the end.</summary>
    /// <returns>The first failed turn's exit code, so a script learns what went wrong first.</returns>
    public async Task<int> RunPipedAsync(CancellationToken cancellationToken)
    {
        var code = ExitCodes.Success;
        while (await readLine(cancellationToken).ConfigureAwait(false) is { } line)
        {
            var (outcome, turn) = await RunLineAsync(line, cancellationToken).ConfigureAwait(false);
            if (outcome == LineOutcome.Exit) break;
            if (code == ExitCodes.Success) code = turn;
        }
        return code;
    }

    public async Task<int> RunInteractiveAsync(CancellationToken cancellationToken)
    {
        cli.Out.MarkupLine($"{Markup.Escape(host.Session.Context.AgentId.Name.Replace('_', ' '))} (quit to exit)");
        var model = host.Session.Runner.Model;
        var endpoint = host.Clients.EndpointOf(model) is { } url ? " at " + url : "";
        cli.Out.MarkupLine($"[dim]model {Markup.Escape(model.Name)}{Markup.Escape(endpoint)} · session {Markup.Escape(host.TranscriptId)} · /help for commands[/]");
        ReplayLastExchange();
        while (await readLine(cancellationToken).ConfigureAwait(false) is { } line)
        {
            var (outcome, _) = await RunLineAsync(line, cancellationToken).ConfigureAwait(false);
            if (outcome == LineOutcome.Exit) break;
        }
        cli.Out.MarkupLine($"[dim]session {Markup.Escape(host.TranscriptId)}: {Markup.Escape(host.Costs.Session.Describe())}[/]");
        cli.Out.MarkupLine($"[dim]resume it with: microagi --resume {Markup.Escape(host.TranscriptId)}[/]");
        return ExitCodes.Success;
    }

    /// <summary>
    /// A resumed session shows where it left off: the last prompt (dimmed, a few lines) and the answer to it, shown as
    /// answers are, so the user can go on without scrolling back through another terminal.
    /// </summary>
    private void ReplayLastExchange()
    {
        var messages = host.Session.Conversation.Messages;
        var last = -1;
        for (var i = messages.Count - 1; i >= 0 && last < 0; i--)
        {
            if (messages[i].Role == Microsoft.Extensions.AI.ChatRole.User && !string.IsNullOrWhiteSpace(messages[i].Text)) last = i;
        }
        if (last < 0) return;
        cli.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[dim]resumed: {messages.Count} messages; the last exchange was[/]"));
        var prompt = messages[last].Text.ReplaceLineEndings("\n").Split('\n');
        foreach (var line in prompt.Take(ReplayedPromptLines)) cli.Out.MarkupLine($"[dim]> {Markup.Escape(TerminalText.Visible(line))}[/]");
        if (prompt.Length > ReplayedPromptLines) cli.Out.MarkupLine($"[dim]> … {prompt.Length - ReplayedPromptLines} more lines[/]");
        var answer = messages.Skip(last + 1).LastOrDefault(m => m.Role == Microsoft.Extensions.AI.ChatRole.Assistant && !string.IsNullOrWhiteSpace(m.Text));
        if (answer is null) return;
        observer.TextDelta(answer.Text);
        observer.EndLine();
    }

    private const int ReplayedPromptLines = 5;

    private async Task<(LineOutcome Outcome, int ExitCode)> RunLineAsync(string line, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(line)) return (LineOutcome.Handled, ExitCodes.Success);
        var outcome = await _commands.RunAsync(line, cancellationToken).ConfigureAwait(false);
        if (outcome != LineOutcome.Prompt) return (outcome, ExitCodes.Success);

        // Taken after other processes' versions are in, so /undo takes back this turn's writes only.
        await host.RefreshRegistryAsync(cancellationToken).ConfigureAwait(false);
        var before = host.Registry.Version;
        var end = await turns.RunAsync(line, observer, survive: true, cancellationToken).ConfigureAwait(false);
        _commands.TurnWrote(before, host.Registry.Version);
        if (end.Result is not null) cli.Out.MarkupLine($"[dim]{Markup.Escape(Describe(end, host))}[/]");
        return (LineOutcome.Prompt, end.ExitCode);
    }

    /// <summary>The dim line after a turn: what it spent, the session's total, and how long it took.</summary>
    public static string Describe(TurnEnd end, SessionHost host) =>
        $"{end.Usage.Describe()} · session {host.Costs.Session.Describe()} · {Seconds(end.Elapsed)}";

    private static string Seconds(TimeSpan elapsed) =>
        elapsed.TotalSeconds < 60
            ? elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
            : $"{(int)elapsed.TotalMinutes} min {elapsed.Seconds} s";
}
