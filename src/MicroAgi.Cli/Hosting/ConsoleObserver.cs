using MicroAgi.Agents.Runtime;
using MicroAgi.Registry;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Shows a turn in the terminal: the answer streamed as it arrives, a line per tool call
/// (<c>[name] ok</c> / <c>[name] error: …</c>), <c>[+] id</c> for a loaded tool, notices dimmed.
/// </summary>
/// <param name="status">Where status lines go, styled.</param>
/// <param name="answer">Where the answer goes as the model wrote it: the plain writer behind the console,
/// which shows control characters as text on a terminal (<see cref="TerminalText"/>) and passes them when piped.</param>
/// <param name="progress">The spinner shown while the model thinks or a tool runs (off when nobody watches).</param>
/// <param name="calls">Shows each call's arguments and result (the REPL); null shows the status lines alone (-p).</param>
/// <param name="markdown">Renders the answer as markdown (the REPL on a terminal); null writes it as the model wrote it.</param>
internal sealed class ConsoleObserver(StatusLine status, TextWriter answer, bool showReasoning, Repl.ProgressLine progress,
    Repl.Rendering.ToolCallDisplay? calls = null, Repl.Rendering.MarkdownStream? markdown = null)
    : Repl.ITurnView
{
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
    /// The model's thinking, dimmed and in italics, on a terminal only: a script reading stdout gets the answer alone.
    /// </summary>
    public void ReasoningDelta(string text)
    {
        if (!showReasoning) return;
        var safe = TerminalText.Visible(text);
        if (safe.Length == 0) return;
        progress.Hide();
        if (!_inReasoning) EndLine();
        _inReasoning = true;
        status.Reasoning(safe);
        _midLine = !safe.EndsWith('\n');
    }

    // Tool names and ids come from the model: each is shown on one short line (see StatusLine).
    public void ToolStarted(string toolName, string arguments)
    {
        EndLine();
        calls?.Started(toolName, arguments);
        progress.Show("running " + TerminalText.OneLine(toolName, StatusLine.MaxNameLength));
    }

    public void ToolOutput(string toolName, string result) => calls?.Output(result);

    public void ToolFinished(string toolName, string? error)
    {
        EndLine();
        var detail = _pendingDetail is { } pending && pending.Tool == toolName ? pending.Detail : null;
        _pendingDetail = null;
        if (error is null && detail is not null) status.ToolDid(toolName, detail);
        else if (error is null) status.ToolSucceeded(toolName, calls?.StatusSuffix(error) ?? "");
        else status.ToolFailed(toolName, error);
        calls?.Finished(error);
        // The loop asks the model again next.
        progress.Show("thinking");
    }

    public void ToolLoaded(EntryId id)
    {
        EndAnswerLine();
        progress.Interrupt(() => status.ToolLoaded(id.ToString()));
    }

    public void Notice(string message)
    {
        EndAnswerLine();
        progress.Interrupt(() => status.Dimmed(message));
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
        if (inReasoning) status.EndLine();
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
