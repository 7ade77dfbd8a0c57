using System.Globalization;
using System.Text;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Shows on a terminal what a model, a tool or the database wrote, exactly as written but with its
/// control characters made visible: a model, a web page a tool fetched or a stored entry can carry
/// escape sequences that clear the screen, retitle the window, write the clipboard (OSC 52), or a bare
/// carriage return that hides the start of a line under its end. ESC becomes <c>␛</c> (so <c>ESC[2J</c>
/// reads <c>␛[2J</c>), the other C0 controls their Control Pictures (<c>\r</c> → <c>␍</c>), C1 controls
/// and bidirectional overrides their code (<c>\x9b</c>, <c>\u202e</c>). Newlines, tabs and the
/// <c>\r</c> of a <c>\r\n</c> pass. Piped output is not changed at all: a script gets the bytes.
/// </summary>
internal static class TerminalText
{
    /// <summary>Wraps <paramref name="writer"/> so that what is written through it is shown with <see cref="Visible"/>,
    /// when it is a terminal; a redirected writer is returned as it is.</summary>
    public static TextWriter For(TextWriter writer, bool isTerminal) => isTerminal ? new VisibleWriter(writer) : writer;

    /// <summary><paramref name="text"/> made visible on a terminal, or as it is when piped.</summary>
    public static string For(string text, bool isTerminal) => isTerminal ? Visible(text) : text;

    /// <summary><paramref name="text"/> with every control character that could act on a terminal shown as text.</summary>
    public static string Visible(string text)
    {
        var span = text.AsSpan();
        var first = FirstActing(span);
        if (first < 0) return text;
        var shown = new StringBuilder(text.Length + 16);
        shown.Append(span[..first]);
        for (var i = first; i < span.Length; i++) AppendVisible(shown, span, i);
        return shown.ToString();
    }

    /// <summary>One line for a status message: line breaks become spaces, then <see cref="Visible"/>, cut to <paramref name="maxLength"/>.</summary>
    public static string OneLine(string text, int maxLength)
    {
        var oneLine = Visible((text.Length > maxLength ? text[..maxLength] : text).ReplaceLineEndings(" "));
        if (text.Length <= maxLength && oneLine.Length <= maxLength) return oneLine;
        return string.Concat(oneLine.AsSpan(0, Math.Min(oneLine.Length, maxLength - 1)), "…");
    }

    private static int FirstActing(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (Acts(text, i)) return i;
        }
        return -1;
    }

    private static bool Acts(ReadOnlySpan<char> text, int i)
    {
        var c = text[i];
        if (c == '\r') return i + 1 >= text.Length || text[i + 1] != '\n';
        return (c < ' ' && c is not '\n' and not '\t') || c is >= '\u007f' and <= '\u009f' || IsBidiControl(c);
    }

    private static void AppendVisible(StringBuilder shown, ReadOnlySpan<char> text, int i)
    {
        var c = text[i];
        if (!Acts(text, i)) shown.Append(c);
        else if (c == '\u007f') shown.Append('\u2421');
        // U+2400 + code is the Unicode Control Picture of each C0 control: ␛ for ESC, ␍ for CR, ␇ for BEL.
        else if (c < ' ') shown.Append((char)('\u2400' + c));
        else if (c <= '\u009f') shown.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
        else shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
    }

    /// <summary>Embeddings, overrides and isolates reorder what is shown, so source can read other than it runs.</summary>
    private static bool IsBidiControl(char c) => c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069';

    /// <summary>
    /// A writer that shows every string written through it with <see cref="Visible"/>. Each write stands alone:
    /// a <c>\r\n</c> split between two writes shows as <c>␍</c> and a line break — safe, and rare.
    /// </summary>
    private sealed class VisibleWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;
        public override IFormatProvider FormatProvider => inner.FormatProvider;

        public override void Write(char value) => inner.Write(Visible(value.ToString()));
        public override void Write(string? value) => inner.Write(value is null ? null : Visible(value));
        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));
        public override void WriteLine(string? value) => inner.WriteLine(value is null ? null : Visible(value));
        public override void Flush() => inner.Flush();
        public override Task FlushAsync() => inner.FlushAsync();
    }
}
