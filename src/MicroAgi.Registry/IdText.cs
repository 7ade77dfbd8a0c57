using System.Globalization;
using System.Text;

namespace MicroAgi.Registry;

/// <summary>
/// The rules for the text of a namespace, name or kind. They are matched exactly and printed in
/// terminals, so a control character (an escape sequence, a newline, NUL) or a space at either end
/// would make two ids look alike, or let an id rewrite the screen it is printed on.
/// </summary>
internal static class IdText
{
    /// <summary>What is wrong with <paramref name="value"/> ("contains …"), or null when it is fine.</summary>
    public static string? Problem(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c)) return string.Create(CultureInfo.InvariantCulture, $"contains a control character (U+{(int)c:X4}); use visible characters only");
        }
        return value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
            ? "starts or ends with a space; remove it"
            : null;
    }

    /// <summary>The text for an error message, control characters shown as <c>\uXXXX</c> rather than sent to the terminal.</summary>
    public static string Visible(string value)
    {
        if (!value.Any(char.IsControl)) return value;
        var visible = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (char.IsControl(c)) visible.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else visible.Append(c);
        }
        return visible.ToString();
    }
}
