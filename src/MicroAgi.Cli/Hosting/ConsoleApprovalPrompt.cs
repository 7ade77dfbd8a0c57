using MicroAgi.Agents.Approval;
using Spectre.Console;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Asks at the terminal before a change: shows what will run (the command, the path and diff, the new
/// content, a generated tool's arguments and Lua source) and reads y / n / s (always this session) /
/// w (always in this workspace).
/// </summary>
/// <param name="progress">The spinner, hidden while the question waits for an answer.</param>
internal sealed class ConsoleApprovalPrompt(IAnsiConsole output, Repl.ProgressLine progress) : IApprovalPrompt
{
    /// <summary>The most of an "always" key the question line shows (the detail above shows the whole command).</summary>
    private const int StandingKeyShown = 200;

    public async Task<ApprovalAnswer> AskAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        progress.Hide();
        output.WriteLine();
        output.MarkupLine($"[yellow]approve?[/] [bold]{Markup.Escape(TerminalText.Visible(request.Summary))}[/]");
        foreach (var raw in request.Detail.Split('\n'))
        {
            var line = TerminalText.Visible(raw.TrimEnd('\r'));
            // Only a file change's detail is a diff; Lua's "--" comments in a generated tool's source are not removals.
            var diff = request.Kind == ApprovalKind.FileChange;
            var style = diff && line.StartsWith('+') ? "green" : diff && line.StartsWith('-') ? "red" : "dim";
            output.MarkupLine($"  [{style}]{Markup.Escape(line)}[/]");
        }
        while (true)
        {
            // The standing key of a command is the model's command line: shown like the summary above, on one line.
            output.Markup($"[yellow]allow?[/] y = yes, n = no, s = always this session, w = always in this workspace ({Markup.Escape(TerminalText.OneLine(request.StandingKey, StandingKeyShown))}): ");
            // Console reads block their thread and ignore cancellation: Ctrl+C abandons the read and the turn.
            var line = await Task.Run(Console.In.ReadLine, CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
            switch (line?.Trim().ToLowerInvariant())
            {
                case null or "n" or "no":
                    return ApprovalAnswer.No;
                case "y" or "yes":
                    return ApprovalAnswer.Yes;
                case "s" or "session":
                    return ApprovalAnswer.AlwaysThisSession;
                case "w" or "workspace":
                    return ApprovalAnswer.AlwaysThisWorkspace;
            }
        }
    }
}
