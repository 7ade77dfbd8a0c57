using System.Collections.Frozen;
using System.Text;

namespace MicroAgi.Agents.Tools.Docs;

/// <summary>
/// Turns text into search terms: lower-case words of letters, digits and <c>_</c>; an identifier such
/// as <c>http_client</c> also yields its parts (<c>http</c>, <c>client</c>); common English words are
/// dropped and plurals reduced (<c>zones</c> → <c>zone</c>) so a question in prose meets the API text.
/// Parts weigh half a word: <c>current_time_utc</c> in an example should not count as much as the
/// words "current time" in the text that explains them.
/// </summary>
internal static class SearchTokenizer
{
    private static readonly FrozenSet<string> StopWords = new[]
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i", "if", "in",
        "into", "is", "it", "its", "me", "my", "of", "on", "or", "so", "that", "the", "then", "this", "to", "was",
        "what", "when", "which", "with", "you", "your", "get", "use", "using", "want", "need", "please", "show",
    }.ToFrozenSet(StringComparer.Ordinal);

    public const double PartWeight = 0.5;

    /// <summary>The terms of <paramref name="text"/> (identifier parts included, as plain terms).</summary>
    public static List<string> Tokens(string text) => [.. WeightedTokens(text).Select(t => t.Term)];

    /// <summary>The terms of <paramref name="text"/> with their weight: 1 for a word, <see cref="PartWeight"/> for a part of an identifier.</summary>
    public static List<(string Term, double Weight)> WeightedTokens(string text)
    {
        var tokens = new List<(string, double)>();
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }
            Flush(word, tokens);
        }
        Flush(word, tokens);
        return tokens;
    }

    private static void Flush(StringBuilder word, List<(string, double)> tokens)
    {
        if (word.Length == 0) return;
        var text = word.ToString().Trim('_');
        word.Clear();
        Add(text, 1, tokens);
        if (text.Contains('_', StringComparison.Ordinal))
        {
            foreach (var part in text.Split('_', StringSplitOptions.RemoveEmptyEntries)) Add(part, PartWeight, tokens);
        }
    }

    private static void Add(string word, double weight, List<(string, double)> tokens)
    {
        if (word.Length < 2 || StopWords.Contains(word)) return;
        tokens.Add((Stem(word), weight));
    }

    /// <summary>A light plural stemmer: enough to match "times" with "time" without mangling API names.</summary>
    private static string Stem(string word)
    {
        if (word.Length <= 3 || word.Contains('_', StringComparison.Ordinal)) return word;
        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4) return word[..^3] + "y";
        if (word.EndsWith("sses", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal)
            || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal))
            return word[..^2];
        if (word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal)
            && !word.EndsWith("is", StringComparison.Ordinal))
            return word[..^1];
        return word;
    }
}
