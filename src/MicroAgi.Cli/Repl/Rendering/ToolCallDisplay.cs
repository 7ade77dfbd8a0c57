using MicroAgi.Cli.Hosting;
using Spectre.Console;

namespace MicroAgi.Cli.Repl.Rendering;

/// <summary>One tool call as the REPL saw it, for <c>/last</c>.</summary>
internal sealed record ToolCallRecord(string Name, string Arguments)
{
    public string? Result { get; set; }
    public string? Error { get; set; }
}

/// <summary>
/// What the REPL shows of each tool call: when it starts, its name and a one-line argument preview
/// (<c>● doc_search query: "time"</c>) — for <c>create_tool</c> also the Lua source, highlighted and cut to a few
/// lines; when it ends, a short preview of its result under the status line. <see cref="Full"/> (<c>/verbose</c>,
/// <c>terminal.tool_output: full</c>) shows arguments and results whole; <see cref="ShowLast"/> (<c>/last</c>) shows
/// the last call whole. Everything a model or a tool wrote goes through <see cref="TerminalText"/>.
/// </summary>
internal sealed class ToolCallDisplay(IAnsiConsole console, bool full)
{
    /// <summary>How many lines of a result or of generated source a preview shows.</summary>
    private const int PreviewLines = 3;
    private const int SourcePreviewLines = 8;

    private ToolCallRecord? _current;

    /// <summary>Whether arguments and results are shown whole rather than previewed.</summary>
    public bool Full { get; set; } = full;

    /// <summary>The last call of this session, or null before the first.</summary>
    public ToolCallRecord? Last { get; private set; }

    private int Width => Math.Max(40, console.Profile.Width);

    public void Started(string name, string arguments)
    {
        _current = new ToolCallRecord(name, arguments);
        Last = _current;
        WriteHeader(_current, Full);
    }

    public void Output(string result)
    {
        if (_current is not null) _current.Result = result;
    }

    /// <summary>What to add to the status line of a finished call (<c> · 2 tests passed</c>), before <see cref="Finished"/>.</summary>
    public string StatusSuffix(string? error)
    {
        if (_current is not { } call || error is not null || call.Result is null || call.Name != CreateTool) return "";
        var parts = new List<string>();
        if (ToolCallText.StringField(call.Result, "action") is { } action && ToolCallText.StringField(call.Result, "id") is { } id) parts.Add($"{action} {id}");
        if (ToolCallText.NumberField(call.Result, "tests_passed") is { } passed) parts.Add(passed == 1 ? "1 test passed" : $"{passed} tests passed");
        return parts.Count == 0 ? "" : " · " + string.Join(" · ", parts);
    }

    /// <summary>The result's preview (or all of it), under the status line.</summary>
    public void Finished(string? error)
    {
        if (_current is not { } call) return;
        call.Error = error;
        _current = null;
        if (error is not null)
        {
            // The status line showed the reason on one line; a longer one is shown whole.
            var lines = error.ReplaceLineEndings("\n").Split('\n');
            if (Full || lines.Length > 1 || error.Length > 200) WriteLines(lines, "red", Full ? int.MaxValue : PreviewLines * 4);
            return;
        }
        if (call.Result is null || call.Name == CreateTool && !Full) return;
        WriteLines(ToolCallText.ResultLines(call.Result), "dim", Full ? int.MaxValue : PreviewLines);
    }

    /// <summary><c>/last</c>: the last call whole — arguments, source, result or error.</summary>
    public void ShowLast()
    {
        if (Last is not { } call)
        {
            console.MarkupLine("[dim]no tool has been called in this session yet[/]");
            return;
        }
        WriteHeader(call, full: true);
        if (call.Error is not null)
        {
            console.MarkupLine($"[[{Escape(TerminalText.OneLine(call.Name, 100))}]] [red]error:[/]");
            WriteLines(call.Error.ReplaceLineEndings("\n").Split('\n'), "red", int.MaxValue);
        }
        else if (call.Result is not null)
        {
            console.MarkupLine($"[[{Escape(TerminalText.OneLine(call.Name, 100))}]] [green]ok[/]");
            WriteLines(ToolCallText.ResultLines(call.Result), "", int.MaxValue);
        }
        else console.MarkupLine("[dim]it did not finish (cancelled)[/]");
    }

    private const string CreateTool = "create_tool";

    private void WriteHeader(ToolCallRecord call, bool full)
    {
        var name = TerminalText.OneLine(call.Name, 100);
        var source = call.Name == CreateTool ? ToolCallText.StringArgument(call.Arguments, "source") : null;
        if (full && source is null)
        {
            console.MarkupLine($"[blue]●[/] [bold]{Escape(name)}[/]");
            WriteLines(ToolCallText.ArgumentsInFull(call.Arguments).Split('\n'), "", int.MaxValue);
            return;
        }
        var preview = source is null ? ToolCallText.ArgumentsPreview(call.Arguments) : ToolCallText.ArgumentsPreview(call.Arguments, "source", "schema");
        var room = Width - name.Length - 4;
        var arguments = preview.Length == 0 || room < 10 ? "" : " " + Escape(TerminalText.OneLine(preview, room));
        console.MarkupLine($"[blue]●[/] [bold]{Escape(name)}[/][dim]{arguments}[/]");
        if (source is not null) WriteSource(source, full ? int.MaxValue : SourcePreviewLines);
    }

    /// <summary>Generated Lua, numbered and highlighted, cut to <paramref name="most"/> lines.</summary>
    private void WriteSource(string source, int most)
    {
        var lines = source.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        var highlighter = new CodeHighlighter("lua");
        var digits = lines.Length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        for (var i = 0; i < lines.Length && i < most; i++)
        {
            var number = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits);
            var code = string.Concat(highlighter.Line(Cut(lines[i].Replace("\t", "    ", StringComparison.Ordinal), Width - digits - 6)).Select(Markup));
            console.MarkupLine($"  [dim]{number} │[/] {code}");
        }
        if (lines.Length > most) console.MarkupLine($"  [dim]… {lines.Length - most} more lines (/last shows the whole call)[/]");
    }

    private void WriteLines(IReadOnlyList<string> lines, string style, int most)
    {
        for (var i = 0; i < lines.Count && i < most; i++)
        {
            var text = Escape(TerminalText.Visible(Cut(lines[i].Replace("\t", "    ", StringComparison.Ordinal), most == int.MaxValue ? int.MaxValue : Width - 6)));
            var gutter = i == 0 ? "  ⎿ " : "    ";
            console.MarkupLine(style.Length == 0 ? $"[dim]{gutter}[/]{text}" : $"[dim]{gutter}[/][{style}]{text}[/]");
        }
        if (lines.Count > most) console.MarkupLine($"[dim]    … {lines.Count - most} more lines (/last shows the whole call, /verbose every call)[/]");
    }

    /// <summary>A token as markup, its text made safe first.</summary>
    private static string Markup(Token token)
    {
        var text = Escape(TerminalText.Visible(token.Text));
        return token.Kind switch
        {
            TokenKind.Keyword => $"[magenta]{text}[/]",
            TokenKind.String => $"[green]{text}[/]",
            TokenKind.Number => $"[cyan]{text}[/]",
            TokenKind.Comment => $"[grey]{text}[/]",
            _ => text,
        };
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, Math.Max(1, max - 1)), "…");

    private static string Escape(string text) => Spectre.Console.Markup.Escape(text);
}
