using System.Globalization;
using System.Text;

namespace MicroAgi.Cli.Repl.Input;

/// <summary>
/// Reads one prompt at the terminal with Emacs-style editing, as readline does: arrows and Home/End move, Alt+B/F
/// and Ctrl+arrows jump words, Ctrl+A/E/U/K/W and Alt+D edit, Up/Down recall earlier prompts (of every session),
/// Ctrl+R searches them, Tab completes commands. A bracketed paste is inserted whole, its line breaks included,
/// so it is sent as one message; Alt+Enter or a trailing <c>\</c> before Enter start a new line too.
/// A line longer than the window goes on over as many rows as it needs (a line break shows as <c>↵</c>; past the
/// window's height the rows around the cursor are shown); when it is submitted it is written out in full.
/// </summary>
/// <param name="keys">Where the keys come from (the terminal, in raw mode).</param>
/// <param name="terminal">Where the line is drawn.</param>
/// <param name="history">Earlier prompts, oldest first; submitted lines are added.</param>
/// <param name="complete">The full-line completions of the text typed so far (<c>/he</c> → <c>/help</c>).</param>
/// <param name="interruptAtPrompt">Called on Ctrl+C at an empty prompt: true when it was the second in a row and the REPL should end.</param>
internal sealed class LineEditor(KeyReader keys, TextWriter terminal, InputHistory history, Func<string, IReadOnlyList<string>> complete, Func<bool> interruptAtPrompt)
{
    private const string NewLineMark = "↵";
    private readonly StringBuilder _line = new();
    private int _cursor;
    /// <summary>The row of the drawn input the cursor is on (0: the prompt's), so the next drawing starts from the first.</summary>
    private int _cursorRow;
    private int _historyIndex;
    private string _draft = "";
    private string? _search;
    private int _searchIndex;
    private bool _pasting;
    private string _prompt = "> ";

    /// <returns>The submitted text, or null when the user leaves (Ctrl+D on an empty line, Ctrl+C twice).</returns>
    public string? ReadLine(string prompt)
    {
        _prompt = prompt;
        _line.Clear();
        _cursor = 0;
        _cursorRow = 0;
        _historyIndex = history.Entries.Count;
        _search = null;
        _pasting = false;
        Render();
        while (true)
        {
            var key = keys.Read();
            if (_pasting)
            {
                Paste(key);
                continue;
            }
            if (_search is not null && Search(key)) continue;
            switch (key.Kind)
            {
                case KeyKind.Enter:
                    if (_cursor == _line.Length && _cursor > 0 && _line[_cursor - 1] == '\\')
                    {
                        _line[_cursor - 1] = '\n';
                        break;
                    }
                    return Submit();
                case KeyKind.EndOfInput when _line.Length == 0:
                    terminal.Write("\r\n");
                    return null;
                case KeyKind.EndOfInput or KeyKind.Delete:
                    if (_cursor < _line.Length) _line.Remove(_cursor, 1);
                    break;
                case KeyKind.Interrupt:
                    if (Interrupt()) return null;
                    break;
                case KeyKind.PasteStart:
                    _pasting = true;
                    break;
                case KeyKind.Search:
                    _draft = _line.ToString();
                    _search = "";
                    _searchIndex = history.Entries.Count;
                    break;
                case KeyKind.Complete:
                    Complete();
                    break;
                case KeyKind.ClearScreen:
                    terminal.Write("\u001b[H\u001b[2J");
                    _cursorRow = 0;
                    break;
                default:
                    Edit(key);
                    break;
            }
            Render();
        }
    }

    private void Edit(Key key)
    {
        switch (key.Kind)
        {
            case KeyKind.Text: Insert(key.Text); break;
            case KeyKind.NewLine: Insert("\n"); break;
            case KeyKind.Backspace:
                if (_cursor > 0) _line.Remove(--_cursor, 1);
                break;
            case KeyKind.Left: _cursor = Math.Max(0, _cursor - 1); break;
            case KeyKind.Right: _cursor = Math.Min(_line.Length, _cursor + 1); break;
            case KeyKind.Home: _cursor = 0; break;
            case KeyKind.End: _cursor = _line.Length; break;
            case KeyKind.WordLeft: _cursor = WordStartBefore(_cursor); break;
            case KeyKind.WordRight: _cursor = WordEndAfter(_cursor); break;
            case KeyKind.KillToStart:
                _line.Remove(0, _cursor);
                _cursor = 0;
                break;
            case KeyKind.KillToEnd: _line.Remove(_cursor, _line.Length - _cursor); break;
            case KeyKind.KillWordBefore:
                var start = WordStartBefore(_cursor);
                _line.Remove(start, _cursor - start);
                _cursor = start;
                break;
            case KeyKind.KillWordAfter: _line.Remove(_cursor, WordEndAfter(_cursor) - _cursor); break;
            case KeyKind.Up: Recall(_historyIndex - 1); break;
            case KeyKind.Down: Recall(_historyIndex + 1); break;
        }
    }

    private void Insert(string text)
    {
        _line.Insert(_cursor, text);
        _cursor += text.Length;
    }

    private void Paste(Key key)
    {
        switch (key.Kind)
        {
            case KeyKind.PasteEnd:
                _pasting = false;
                Render();
                return;
            case KeyKind.Text: Insert(key.Text); return;
            // Terminals send a pasted line break as \r; both kinds stay line breaks of the one message.
            case KeyKind.Enter or KeyKind.NewLine: Insert("\n"); return;
            case KeyKind.Complete: Insert("\t"); return;
            case KeyKind.EndOfInput: _pasting = false; return;
        }
    }

    /// <returns>Whether the key was used by the search; otherwise the search ends and the key edits the line found.</returns>
    private bool Search(Key key)
    {
        switch (key.Kind)
        {
            case KeyKind.Text:
                _search += key.Text;
                Find(history.Entries.Count);
                break;
            case KeyKind.Backspace:
                if (_search!.Length > 0) _search = _search[..^1];
                Find(history.Entries.Count);
                break;
            case KeyKind.Search:
                Find(_searchIndex);
                break;
            case KeyKind.Cancel or KeyKind.Interrupt:
                _search = null;
                _line.Clear().Append(_draft);
                _cursor = _line.Length;
                break;
            default:
                _search = null;
                return false;
        }
        Render();
        return true;
    }

    /// <summary>The newest earlier prompt below <paramref name="before"/> that contains the search text.</summary>
    private void Find(int before)
    {
        for (var i = Math.Min(before, history.Entries.Count) - 1; i >= 0; i--)
        {
            var at = history.Entries[i].IndexOf(_search!, StringComparison.OrdinalIgnoreCase);
            if (at < 0) continue;
            _searchIndex = i;
            _line.Clear().Append(history.Entries[i]);
            _cursor = at;
            return;
        }
    }

    private void Recall(int index)
    {
        if (index < 0 || index > history.Entries.Count) return;
        if (_historyIndex == history.Entries.Count) _draft = _line.ToString();
        _historyIndex = index;
        _line.Clear().Append(index == history.Entries.Count ? _draft : history.Entries[index]);
        _cursor = _line.Length;
    }

    private void Complete()
    {
        if (_cursor != _line.Length) return;
        var typed = _line.ToString();
        var candidates = complete(typed);
        if (candidates.Count == 0) return;
        var common = candidates.Count == 1 ? candidates[0] + " " : CommonPrefix(candidates);
        if (common.Length > typed.Length)
        {
            _line.Clear().Append(common);
            _cursor = _line.Length;
            return;
        }
        terminal.Write("\r\n" + string.Join("  ", candidates) + "\u001b[K\r\n");
        _cursorRow = 0;
    }

    private static string CommonPrefix(IReadOnlyList<string> words)
    {
        var prefix = words[0];
        foreach (var word in words)
        {
            var length = 0;
            while (length < prefix.Length && length < word.Length && prefix[length] == word[length]) length++;
            prefix = prefix[..length];
        }
        return prefix;
    }

    /// <returns>Whether the REPL should end.</returns>
    private bool Interrupt()
    {
        if (_line.Length > 0)
        {
            // As in a shell: Ctrl+C drops what was typed and gives a fresh prompt.
            _cursor = _line.Length;
            Render();
            terminal.Write("^C\r\n");
            _cursorRow = 0;
            _line.Clear();
            _cursor = 0;
            _historyIndex = history.Entries.Count;
            return false;
        }
        if (interruptAtPrompt())
        {
            terminal.Write("\r\n");
            terminal.Flush();
            return true;
        }
        terminal.Write("\r\n(press Ctrl+C again to exit, or type quit)\u001b[K\r\n");
        _cursorRow = 0;
        return false;
    }

    private string Submit()
    {
        var text = _line.ToString();
        // Written out in full, line breaks and all, so the scrollback shows what was sent.
        terminal.Write(Up(_cursorRow) + "\r\u001b[J" + _prompt + Visible(text).Replace(NewLineMark, "\r\n" + new string(' ', _prompt.Length), StringComparison.Ordinal) + "\u001b[K\r\n");
        terminal.Flush();
        history.Add(text);
        return text;
    }

    private void Render()
    {
        var prompt = _search is null ? _prompt : $"(search '{_search}'): ";
        var all = prompt + Visible(_line.ToString());
        // One column short of the window: a row that fills it would leave some terminals' cursor on the next.
        var width = Math.Max(10, Width() - 1);
        var rows = new List<string>();
        for (var at = 0; at < all.Length; at += width) rows.Add(all.Substring(at, Math.Min(width, all.Length - at)));
        var cursor = prompt.Length + _cursor;
        var cursorRow = cursor / width;
        while (rows.Count <= cursorRow) rows.Add("");
        // Taller than the window: the rows around the cursor, so moving up never goes past the top.
        var most = Math.Max(3, Height() - 2);
        var first = Math.Clamp(cursorRow - most + 1, 0, Math.Max(0, rows.Count - most));
        var shown = rows.Skip(first).Take(most).ToList();
        var row = cursorRow - first;
        var column = cursor % width;
        terminal.Write(Up(_cursorRow) + "\r" + string.Join("\u001b[K\r\n", shown) + "\u001b[K\u001b[J"
            + Up(shown.Count - 1 - row) + "\r" + (column > 0 ? string.Create(CultureInfo.InvariantCulture, $"\u001b[{column}C") : ""));
        terminal.Flush();
        _cursorRow = row;
    }

    private static string Up(int rows) => rows > 0 ? string.Create(CultureInfo.InvariantCulture, $"\u001b[{rows}A") : "";

    /// <summary>One column per character: line breaks as ↵, other control characters as their Control Pictures.</summary>
    private static string Visible(string text)
    {
        var shown = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            shown.Append(c switch
            {
                '\n' => NewLineMark[0],
                '\t' => ' ',
                < ' ' => (char)('\u2400' + c),
                >= '\u007f' and <= '\u009f' => '\u2421',
                _ => c,
            });
        }
        return shown.ToString();
    }

    private int WordStartBefore(int position)
    {
        while (position > 0 && !IsWordChar(_line[position - 1])) position--;
        while (position > 0 && IsWordChar(_line[position - 1])) position--;
        return position;
    }

    private int WordEndAfter(int position)
    {
        while (position < _line.Length && !IsWordChar(_line[position])) position++;
        while (position < _line.Length && IsWordChar(_line[position])) position++;
        return position;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static int Width() => WindowSize(() => Console.WindowWidth, 80);

    private static int Height() => WindowSize(() => Console.WindowHeight, 24);

    private static int WindowSize(Func<int> read, int fallback)
    {
        try
        {
            return read() is > 0 and var size ? size : fallback;
        }
        catch (IOException)
        {
            return fallback;
        }
    }
}
