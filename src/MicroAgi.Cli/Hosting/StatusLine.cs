using MicroAgi.Cli.Repl.Rendering;
using Spectre.Console;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Writes the agent's short status lines (<c>[name] ok</c>, <c>[name] error: …</c>, <c>[+] id</c>, dimmed notices and
/// the cost line) straight to the plain writer behind a console, with the SGR sequences of <see cref="Ansi"/> when the
/// console shows colours. Not through Spectre's markup: its first line costs ~19 ms (markup parsing, style tables,
/// Unicode width tables, code compiled at first use), paid by every one-shot run, for a name and a green <c>ok</c>.
/// Every text is shown on a terminal with its control characters as text (<see cref="TerminalText"/>), and what the
/// model chose (a tool's name, an error) on one short line: a name can carry escape sequences, newlines that forge
/// <c>[x] ok</c> lines, or run to megabytes.
/// </summary>
internal sealed class StatusLine
{
    /// <summary>Room for a namespace and a 64-character tool name (the longest a valid one has).</summary>
    public const int MaxNameLength = 100;

    private const int MaxTextLength = 200;

    private readonly TextWriter _writer;
    private readonly bool _styled;

    /// <param name="console">The console whose writer the lines go to; styled as Spectre would: not when the output is
    /// piped or the terminal shows no escape sequences (TERM=dumb) or no colours (NO_COLOR).</param>
    public StatusLine(IAnsiConsole console)
    {
        _writer = console.Profile.Out.Writer;
        var capabilities = console.Profile.Capabilities;
        _styled = capabilities.Ansi && capabilities.ColorSystem != ColorSystem.NoColors;
    }

    /// <summary><c>[name] ok</c>, with <paramref name="suffix"/> (what the call returned, in short) dimmed after it.</summary>
    public void ToolSucceeded(string toolName, string suffix) =>
        Line(Name(toolName) + " " + Styled(Ansi.Green, "ok") + Styled(Ansi.Dim, TerminalText.OneLine(suffix, MaxTextLength)));

    /// <summary><c>[name] detail</c>: what a successful call did, in its own words (<c>[self] modify max_iterations 40 → 80</c>).</summary>
    public void ToolDid(string toolName, string detail) => Line(Name(toolName) + " " + TerminalText.OneLine(detail, MaxTextLength));

    /// <summary><c>[name] error: …</c>, <c>error:</c> in red.</summary>
    public void ToolFailed(string toolName, string error) =>
        Line(Name(toolName) + " " + Styled(Ansi.Red, "error:") + " " + TerminalText.OneLine(error, MaxTextLength));

    /// <summary><c>[+] id</c>: a tool the model loaded.</summary>
    public void ToolLoaded(string id) => Line("[+] " + TerminalText.OneLine(id, MaxNameLength));

    /// <summary>A notice, dimmed (a retry, the cost of a turn); its line breaks are kept.</summary>
    public void Dimmed(string text) => Line(Styled(Ansi.Dim, TerminalText.Visible(text)));

    /// <summary>Part of the model's thinking, dimmed and in italics, where the cursor is (no line break added).</summary>
    public void Reasoning(string text)
    {
        _writer.Write(Styled(Ansi.DimItalic, TerminalText.Visible(text)));
        _writer.Flush();
    }

    /// <summary>Ends the line <see cref="Reasoning"/> wrote on.</summary>
    public void EndLine() => Line("");

    private static string Name(string toolName) => "[" + TerminalText.OneLine(toolName, MaxNameLength) + "]";

    private string Styled(string style, string text) => !_styled || text.Length == 0 ? text : style + text + Ansi.Reset;

    private void Line(string text)
    {
        _writer.WriteLine(text);
        _writer.Flush();
    }
}
