using MicroAgi.Agents.Runtime;
using MicroAgi.Registry;
using Spectre.Console;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Shows a turn in the terminal: the answer streamed as it arrives, a line per tool call
/// (<c>[name] ok</c> / <c>[name] error: …</c>), <c>[+] id</c> for a loaded tool, notices dimmed.
/// </summary>
/// <param name="console">Where status lines go, styled.</param>
/// <param name="answer">Where the answer goes as the model wrote it: the plain writer behind <paramref name="console"/>,
/// which shows control characters as text on a terminal (<see cref="TerminalText"/>) and passes them when piped.</param>
/// <param name="progress">The spinner shown while the model thinks or a tool runs (off when nobody watches).</param>
/// <param name="calls">Shows each call's arguments and result (the REPL); null shows the status lines alone (-p).</param>
/// <param name="markdown">Renders the answer as markdown (the REPL on a terminal); null writes it as the model wrote it.</param>
internal sealed class ConsoleObserver(IAnsiConsole console, TextWriter answer, bool showReasoning, Repl.ProgressLine progress,
    Repl.Rendering.ToolCallDisplay? calls = null, Repl.Rendering.MarkdownStream? markdown = null)
    : Repl.ITurnView
{
    private const int MaxErrorLength = 200;

    /// <summary>Room for a namespace and a 64-character tool name (the longest a valid one has).</summary>
    private const int MaxNameLength = 100;
    private static readonly Style ReasoningStyle = new(decoration: Decoration.Dim | Decoration.Italic);
    private bool _midLine;
    private bool _inReasoning;
    private (string Tool, string Detail)? _pendingDetail;

    /// <summary>
    /// What the next successful call of <paramref name="toolName"/> did, shown instead of <c>ok</c>
    /// (<c>[self] modify max_iterations 40 → 80</c>). The tool says it while it runs; the loop reports the call right after.
    /// </summary>
    public void DescribeNextCall(string toolName, string detail) => _pendingDetail = (toolName, detail);

    public void Begin()
    {
        progress.BeginTurn();
        progress.Show("thinking");
    }

    public void TextDelta(string text)
    {
        if (text.Length == 0) return;
        progress.Hide();
        EndReasoning();
        if (markdown is not null)
        {
            markdown.Write(text);
            _midLine = true;
            return;
        }
        // Straight to the writer: a Spectre Text would re-wrap long lines at the console width and
        // break up JSON, URLs and code the model sends.
        answer.Write(text);
        answer.Flush();
        _midLine = !text.EndsWith('\n');
    }

    /// <summary>
    /// The model's thinking, dimmed, on a terminal only: a script reading stdout gets the answer alone.
    /// Unlike the answer it goes through Spectre, which dims it and wraps it for reading; nobody copies it.
    /// </summary>
    public void ReasoningDelta(string text)
    {
        if (!showReasoning) return;
        var safe = TerminalText.Visible(text);
        if (safe.Length == 0) return;
        progress.Hide();
        if (!_inReasoning) EndLine();
        _inReasoning = true;
        console.Write(new Text(safe, ReasoningStyle));
        _midLine = !safe.EndsWith('\n');
    }

    // Tool names and ids come from the model: a name can carry escape sequences, newlines that forge
    // "[x] ok" lines, or run to megabytes, so each is shown like an error text, on one short line.
    public void ToolStarted(string toolName, string arguments)
    {
        EndLine();
        calls?.Started(toolName, arguments);
        progress.Show("running " + TerminalText.OneLine(toolName, MaxNameLength));
    }

    public void ToolOutput(string toolName, string result) => calls?.Output(result);

    public void ToolFinished(string toolName, string? error)
    {
        EndLine();
        var suffix = Markup.Escape(TerminalText.OneLine(calls?.StatusSuffix(error) ?? "", MaxErrorLength));
        var name = Markup.Escape(TerminalText.OneLine(toolName, MaxNameLength));
        var detail = _pendingDetail is { } pending && pending.Tool == toolName ? pending.Detail : null;
        _pendingDetail = null;
        if (error is null && detail is not null) console.MarkupLine($"[[{name}]] {Markup.Escape(TerminalText.OneLine(detail, MaxErrorLength))}");
        else if (error is null) console.MarkupLine($"[[{name}]] [green]ok[/]{(suffix.Length == 0 ? "" : $"[dim]{suffix}[/]")}");
        else console.MarkupLine($"[[{name}]] [red]error:[/] {Markup.Escape(TerminalText.OneLine(error, MaxErrorLength))}");
        calls?.Finished(error);
        // The loop asks the model again next.
        progress.Show("thinking");
    }

    public void ToolLoaded(EntryId id)
    {
        EndAnswerLine();
        progress.Interrupt(() => console.MarkupLine($"[[+]] {Markup.Escape(TerminalText.OneLine(id.ToString(), MaxNameLength))}"));
    }

    public void Notice(string message)
    {
        EndAnswerLine();
        progress.Interrupt(() => console.MarkupLine($"[dim]{Markup.Escape(TerminalText.Visible(message))}[/]"));
    }

    /// <summary>Ends the streamed answer's line, so whatever follows starts at the left margin.</summary>
    public void EndLine()
    {
        progress.Hide();
        EndAnswerLine();
    }

    private void EndAnswerLine()
    {
        var inReasoning = _inReasoning;
        _inReasoning = false;
        if (!_midLine) return;
        // The answer's last line ends where the answer goes (stdout, with -p), the reasoning's on the console.
        if (inReasoning) console.WriteLine();
        else if (markdown is not null) markdown.Finish();
        else
        {
            answer.WriteLine();
            answer.Flush();
        }
        _midLine = false;
    }

    private void EndReasoning()
    {
        if (_inReasoning) EndLine();
    }
}
