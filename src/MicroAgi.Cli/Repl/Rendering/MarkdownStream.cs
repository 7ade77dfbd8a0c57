using System.Text;
using System.Text.RegularExpressions;
using MicroAgi.Cli.Hosting;

namespace MicroAgi.Cli.Repl.Rendering;

/// <summary>
/// Renders markdown for a terminal as the model streams it: headings, emphasis, inline code, links, lists, quotes,
/// rules, tables and fenced code (highlighted by <see cref="CodeHighlighter"/>), wrapped at word boundaries to the
/// window's width. A line is written word by word as its words complete, so the answer moves while it streams and
/// no word is cut; a table is held until its last row (its columns need every row), a code line until its end.
/// What the model wrote goes through <see cref="TerminalText.Visible"/> first: the only escape sequences that reach
/// the terminal are the styles written here.
/// </summary>
internal sealed partial class MarkdownStream(TextWriter output, Func<int> width)
{
    // Markers put in the text for a link after Visible has removed every C0 control, so none can come from the model.
    private const char LinkStart = '\u0001';
    private const char LinkUrl = '\u0002';
    private const char LinkEnd = '\u0003';

    private readonly StringBuilder _pending = new();
    private readonly List<string> _table = [];
    private int _streamed;
    private bool _streaming;
    private int _column;
    private string _continuation = "";
    private Style _block;
    private Inline _inline;
    private CodeHighlighter? _code;
    private string? _fence;

    public void Write(string text)
    {
        foreach (var c in TerminalText.Visible(text))
        {
            if (c == '\n') CompleteLine();
            else if (c != '\r') _pending.Append(c);
        }
        StreamWords();
        output.Flush();
    }

    /// <summary>Writes what is held (a partial line, a table) and ends the line: the answer, or this part of it, is over.</summary>
    public void Finish()
    {
        if (_pending.Length > 0 || _streaming) CompleteLine();
        FlushTable();
        _code = null;
        _fence = null;
        if (_column > 0) EndLine();
        output.Flush();
    }

    private void CompleteLine()
    {
        var line = _pending.ToString();
        _pending.Clear();
        if (_streaming)
        {
            EmitWords(line[_streamed..]);
            _streaming = false;
            _streamed = 0;
            EndLine();
            return;
        }
        RenderLine(line);
    }

    /// <summary>Writes the completed words of the unfinished line, once its kind (paragraph, item, heading) is known.</summary>
    private void StreamWords()
    {
        if (_pending.Length == 0 || _code is not null) return;
        var line = _pending.ToString();
        if (!_streaming)
        {
            var trimmed = line.TrimStart();
            // Until its first word is whole, a line could still turn into a rule, a fence or a table row.
            if (trimmed.Length == 0 || !trimmed.Contains(' ', StringComparison.Ordinal) || trimmed[0] is '|' or '`' or '~') return;
            FlushTable();
            _streamed = StartBlock(line);
            _streaming = true;
        }
        var end = line.LastIndexOf(' ');
        if (end <= _streamed) return;
        // A link is written whole: hold back from an open '[' whose link does not end before the last space.
        var open = line.LastIndexOf('[', end - 1);
        var close = open < 0 ? -1 : line.IndexOf(')', open);
        if (open >= _streamed && (close < 0 || close > end) && end - open < 300) end = line.LastIndexOf(' ', open);
        if (end <= _streamed) return;
        EmitWords(line[_streamed..end]);
        _streamed = end;
    }

    private void RenderLine(string line)
    {
        if (_code is not null)
        {
            if (_fence is not null && line.TrimStart().StartsWith(_fence, StringComparison.Ordinal))
            {
                _code = null;
                _fence = null;
                return;
            }
            WriteCode(line);
            return;
        }
        var trimmed = line.Trim();
        if (trimmed.StartsWith('|'))
        {
            _table.Add(trimmed);
            return;
        }
        FlushTable();
        if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
        {
            _fence = trimmed[..3];
            _code = new CodeHighlighter(trimmed[3..].Trim());
            return;
        }
        if (trimmed.Length == 0)
        {
            EndLine();
            return;
        }
        if (Rule().IsMatch(trimmed))
        {
            Raw(Ansi.Dim + new string('─', Math.Min(Width, 80)) + Ansi.Reset);
            EndLine();
            return;
        }
        var start = StartBlock(line);
        EmitWords(line[start..]);
        EndLine();
    }

    /// <summary>Writes a line's block prefix (bullet, quote bar) and sets its style and wrap indent.</summary>
    /// <returns>Where the line's own text starts.</returns>
    private int StartBlock(string line)
    {
        _inline = default;
        _block = Style.None;
        _continuation = "";
        if (Heading().Match(line) is { Success: true } heading)
        {
            _block = heading.Groups[1].Length <= 2 ? Style.Heading : Style.Bold;
            return heading.Length;
        }
        if (Quote().Match(line) is { Success: true } quote)
        {
            Raw(Ansi.Dim + "│ " + Ansi.Reset);
            _column = 2;
            _continuation = Ansi.Dim + "│ " + Ansi.Reset;
            _block = Style.Italic;
            return quote.Length;
        }
        if (ListItem().Match(line) is { Success: true } item)
        {
            var indent = new string(' ', Math.Min(item.Groups[1].Length, 12));
            var marker = item.Groups[2].Value;
            var bullet = char.IsAsciiDigit(marker[0]) ? marker : indent.Length % 4 == 0 ? "•" : "◦";
            Raw(indent + Ansi.Bold + bullet + Ansi.Reset + " ");
            _column = indent.Length + bullet.Length + 1;
            _continuation = new string(' ', _column);
            return item.Length;
        }
        return line.Length - line.TrimStart().Length;
    }

    private void EmitWords(string text)
    {
        foreach (var word in Links().Replace(text, $"{LinkStart}$1{LinkUrl}$2{LinkEnd}").Split(' '))
        {
            if (word.Length == 0) continue;
            var shown = Render(word, ref _inline, out var length);
            if (_column > Ansi.VisibleLength(_continuation) && _column + 1 + length > Width)
            {
                EndLine();
                Raw(_continuation);
                _column = Ansi.VisibleLength(_continuation);
            }
            else if (_column > Ansi.VisibleLength(_continuation)) Raw(" ", 1);
            Raw(shown, length);
        }
    }

    /// <summary>A word with its markers turned into styles, and how many columns it takes.</summary>
    private string Render(string word, ref Inline state, out int length)
    {
        var shown = new StringBuilder(word.Length + 16);
        var columns = 0;
        shown.Append(Ansi.For(_block, state));
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            var before = state;
            if (c == '`') state.Code = !state.Code;
            else if (state.Code) Append(c);
            else if (c == '\\' && i + 1 < word.Length && char.IsAsciiLetterOrDigit(word[i + 1]) is false) Append(word[++i]);
            else if (c is '*' or '_' && i + 1 < word.Length && word[i + 1] == c) { state.Bold = !state.Bold; i++; }
            else if (c == '~' && i + 1 < word.Length && word[i + 1] == '~') { state.Strike = !state.Strike; i++; }
            else if (c == '*' && word.Length > 1) state.Italic = !state.Italic;
            // An underscore inside a word (snake_case) is a letter, at its edges emphasis.
            else if (c == '_' && (i == 0 || i == word.Length - 1) && word.Length > 1) state.Italic = !state.Italic;
            else if (c == LinkStart) state.Link = true;
            else if (c == LinkUrl) { state.Link = false; state.Url = true; shown.Append(Ansi.For(_block, state)); Append(' '); Append('('); continue; }
            else if (c == LinkEnd) { Append(')'); state.Url = false; }
            else Append(c);
            if (!before.Equals(state)) shown.Append(Ansi.For(_block, state));
        }
        shown.Append(Ansi.Reset);
        length = columns;
        return shown.ToString();

        void Append(char c)
        {
            shown.Append(c);
            columns++;
        }
    }

    private void WriteCode(string line)
    {
        var shown = new StringBuilder("  ");
        foreach (var token in _code!.Line(line.Replace("\t", "    ", StringComparison.Ordinal)))
        {
            shown.Append(Ansi.For(token.Kind)).Append(token.Text).Append(Ansi.Reset);
        }
        Raw(shown.ToString());
        EndLine();
    }

    /// <summary>Draws the held table with box lines, columns as wide as their widest cell; too wide for the window, its rows as written.</summary>
    private void FlushTable()
    {
        if (_table.Count == 0) return;
        var rows = _table.Where(r => !Separator().IsMatch(r)).Select(Cells).ToList();
        var header = _table.Count > 1 && Separator().IsMatch(_table[1]);
        _table.Clear();
        var columns = rows.Max(r => r.Count);
        var rendered = rows.Select((row, r) => Enumerable.Range(0, columns).Select(c =>
        {
            var state = header && r == 0 ? new Inline { Bold = true } : default;
            var text = Render(c < row.Count ? row[c] : "", ref state, out var length);
            return (Text: text, Length: length);
        }).ToList()).ToList();
        var widths = Enumerable.Range(0, columns).Select(c => rendered.Max(r => r[c].Length)).ToList();
        if (widths.Sum() + 3 * columns + 1 > Width)
        {
            foreach (var row in rows) EmitRaw("| " + string.Join(" | ", row) + " |");
            return;
        }
        string Border(char left, char middle, char right) => Ansi.Dim + left + string.Join(middle, widths.Select(w => new string('─', w + 2))) + right + Ansi.Reset;
        Raw(Border('┌', '┬', '┐'));
        EndLine();
        for (var r = 0; r < rendered.Count; r++)
        {
            Raw(Ansi.Dim + "│" + Ansi.Reset + string.Concat(rendered[r].Select((cell, c) => " " + cell.Text + new string(' ', widths[c] - cell.Length) + " " + Ansi.Dim + "│" + Ansi.Reset)));
            EndLine();
            if (r == 0 && header && rendered.Count > 1)
            {
                Raw(Border('├', '┼', '┤'));
                EndLine();
            }
        }
        Raw(Border('└', '┴', '┘'));
        EndLine();
    }

    private void EmitRaw(string line)
    {
        Raw(line);
        EndLine();
    }

    private static List<string> Cells(string row)
    {
        var inner = row.Trim().Trim('|');
        return [.. inner.Split('|').Select(c => c.Trim())];
    }

    private int Width => Math.Max(20, width());

    private void Raw(string text, int columns = -1)
    {
        output.Write(text);
        _column += columns >= 0 ? columns : Ansi.VisibleLength(text);
    }

    private void EndLine()
    {
        output.Write('\n');
        _column = 0;
    }

    [GeneratedRegex(@"^\s{0,3}(#{1,6})\s+")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s{0,3}>\s?")]
    private static partial Regex Quote();

    [GeneratedRegex(@"^(\s*)([-*+]|\d{1,9}[.)])\s+")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"^([-*_])(\s*\1){2,}$")]
    private static partial Regex Rule();

    [GeneratedRegex(@"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")]
    private static partial Regex Separator();

    [GeneratedRegex(@"\[([^\]\s][^\]]*)\]\(([^)\s]+)\)")]
    private static partial Regex Links();
}
