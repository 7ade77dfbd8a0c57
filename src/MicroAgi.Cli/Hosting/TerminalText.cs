using System.Text;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Makes model and tool text safe to print: a model (or a web page a tool fetched) can emit escape
/// sequences that recolour, move the cursor, retitle the window or overwrite earlier lines. Only
/// newlines and tabs survive among the control characters.
/// </summary>
internal static class TerminalText
{
    public static string Sanitize(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\0', '\u001f') && !text.AsSpan().ContainsAnyInRange('\u007f', '\u009f')) return text;
        var safe = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\n' or '\t' || !char.IsControl(c)) safe.Append(c);
        }
        return safe.ToString();
    }
}
