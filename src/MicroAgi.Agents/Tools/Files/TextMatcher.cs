using System.Text;
using System.Text.RegularExpressions;

namespace MicroAgi.Agents.Tools.Files;

/// <summary>
/// Finds the text an edit replaces. First exactly; when that finds nothing, tolerantly: any run of
/// whitespace matches any other (indentation, line ends, trailing spaces) and straight and curly quotes
/// match each other — models often retype a file's text slightly differently. Either way only the
/// matched span is replaced; the rest of the file is never re-normalised.
/// </summary>
internal static class TextMatcher
{
    private const string Quotes = "'\"\u2018\u2019\u201A\u201B\u201C\u201D\u201E\u201F\u00B4\u0060";
    private static readonly TimeSpan RegexBudget = TimeSpan.FromSeconds(2);

    /// <summary>The spans of <paramref name="text"/> that <paramref name="old"/> stands for (exact matches, else tolerant ones).</summary>
    public static (IReadOnlyList<(int Start, int Length)> Spans, bool Tolerant) Find(string text, string old)
    {
        var exact = new List<(int, int)>();
        for (var at = text.IndexOf(old, StringComparison.Ordinal); at >= 0; at = text.IndexOf(old, at + old.Length, StringComparison.Ordinal))
            exact.Add((at, old.Length));
        if (exact.Count > 0 || string.IsNullOrWhiteSpace(old)) return (exact, false);

        var pattern = TolerantPattern(old.Trim());
        try
        {
            var matches = Regex.Matches(text, pattern, RegexOptions.CultureInvariant, RegexBudget);
            return (matches.Select(m => (m.Index, m.Length)).ToList(), true);
        }
        catch (RegexMatchTimeoutException)
        {
            return ([], true);
        }
    }

    private static string TolerantPattern(string old)
    {
        var pattern = new StringBuilder();
        var inSpace = false;
        foreach (var c in old)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!inSpace) pattern.Append(@"\s+");
                inSpace = true;
                continue;
            }
            inSpace = false;
            if (Quotes.Contains(c, StringComparison.Ordinal)) pattern.Append("[").Append(Regex.Escape(Quotes).Replace("]", @"\]", StringComparison.Ordinal)).Append(']');
            else pattern.Append(Regex.Escape(c.ToString()));
        }
        return pattern.ToString();
    }
}
