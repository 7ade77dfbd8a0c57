using System.Globalization;

namespace MicroAgi.Functions;

/// <summary>
/// How a .NET regular expression repeats groups, read from its text: what decides which engine may run
/// it on a long text. The backtracking engine records every iteration of a repeated group (hundreds of
/// megabytes over a long text); the linear-time <c>NonBacktracking</c> engine does not, but unrolls
/// counted repeats into states — with large counts it answered "no match" where there is one, and ran
/// seconds to minutes past its timeout. Used by the <c>text</c> module and by input-schema patterns.
/// </summary>
public static class RegexRepeats
{
    /// <summary>A group repeated at most this often costs a bounded amount per match.</summary>
    private const int LargeRepeatCount = 256;

    /// <summary>The largest <c>{n,m}</c> count (or product of nested group counts) the linear-time engine is given.</summary>
    public const long MaxLinearCount = 8;

    /// <summary>
    /// True when a group — capturing or not, or an alternation inside one — is followed by an unbounded
    /// quantifier (<c>*</c>, <c>+</c>, <c>{n,}</c>, or <c>{n,m}</c> with a large m): the constructs whose
    /// backtracking state grows with every character matched. Escapes, character classes and comments
    /// are skipped; when unsure, it answers true (the cost is only the choice of engine).
    /// </summary>
    /// <remarks>
    /// Two ways around a plain look at the character after <c>)</c> were found: white space or a
    /// comment between the group and its quantifier (<c>(a|b) *</c> with the <c>x</c> flag, or
    /// <c>(?x)</c>, is <c>(a|b)*</c>: 235 MB for a 3 MB text under a 16 MB cap), and bounded repeats
    /// nested in each other (<c>(((a){0,255}){0,255}){0,255}</c> repeats 16 million times: 252 MB).
    /// So blanks and comments are skipped before the quantifier, whatever the flags, and the bounded
    /// repeat counts of all groups multiply.
    /// </remarks>
    public static bool RepeatsGroup(string pattern) => Scan(pattern).RepeatsGroup;

    /// <summary>
    /// The largest product of the counts of nested repeated groups in <paramref name="pattern"/>, or, when some
    /// group repeats, the largest <c>{n,m}</c> count of a character or class.
    /// </summary>
    public static long LargestCount(string pattern) => Scan(pattern).LargestCount;

    private static (bool RepeatsGroup, long LargestCount) Scan(string pattern)
    {
        var inClass = false;
        var repeatsGroup = false;
        var anyGroupRepeated = false;
        long largestGroup = 1;
        long largestAtom = 1;
        long repeats = 1;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i++;
                continue;
            }
            if (inClass)
            {
                if (c == ']') inClass = false;
                continue;
            }
            switch (c)
            {
                case '[':
                    inClass = true;
                    // A ']' first in the class (after an optional '^') is a literal.
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^') i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == ']') i++;
                    break;
                case '{':
                    var counted = RepeatCount(pattern, i);
                    // A group's count is taken at its ')'; this is a character's or a class's.
                    if (counted < int.MaxValue && !FollowsGroup(pattern, i)) largestAtom = Math.Max(largestAtom, counted);
                    break;
                case ')':
                    var count = RepeatCount(pattern, SkipBlanks(pattern, i + 1));
                    if (count > LargeRepeatCount) repeatsGroup = true;
                    if (count > 1) anyGroupRepeated = true;
                    // Saturates: a product past the largest count that matters is as good as any larger one.
                    if (count < int.MaxValue) repeats = Math.Min(repeats * count, int.MaxValue);
                    largestGroup = Math.Max(largestGroup, repeats);
                    if (repeats > LargeRepeatCount) repeatsGroup = true;
                    break;
            }
        }
        // A character's count ([a-z]{1,64}) costs the linear-time engine little on its own; inside or beside
        // a repeated group ((a{1,255})*) it multiplies the states the capture pass walks per character.
        return (repeatsGroup, Math.Max(largestGroup, anyGroupRepeated ? largestAtom : 1));
    }

    /// <summary>Whether the quantifier at <paramref name="at"/> follows a group's ')' (white space between allowed).</summary>
    private static bool FollowsGroup(string pattern, int at)
    {
        var before = at - 1;
        while (before >= 0 && char.IsWhiteSpace(pattern[before])) before--;
        return before >= 0 && pattern[before] == ')' && (before == 0 || pattern[before - 1] != '\\');
    }

    /// <summary>Where the next token after <paramref name="at"/> starts: white space, <c>#</c> comments (the <c>x</c> flag's) and <c>(?#…)</c> comments skipped.</summary>
    private static int SkipBlanks(string pattern, int at)
    {
        while (at < pattern.Length)
        {
            if (char.IsWhiteSpace(pattern[at])) at++;
            else if (pattern[at] == '#')
            {
                var end = pattern.IndexOf('\n', at);
                at = end < 0 ? pattern.Length : end + 1;
            }
            else if (string.CompareOrdinal(pattern, at, "(?#", 0, 3) == 0)
            {
                var end = pattern.IndexOf(')', at);
                at = end < 0 ? pattern.Length : end + 1;
            }
            else break;
        }
        return at;
    }

    /// <summary>How often the quantifier at <paramref name="at"/> may repeat what it follows: 1 for none (or <c>?</c>), <see cref="int.MaxValue"/> for no bound.</summary>
    private static long RepeatCount(string pattern, int at)
    {
        if (at >= pattern.Length) return 1;
        var c = pattern[at];
        if (c is '*' or '+') return int.MaxValue;
        if (c != '{') return 1;
        var close = pattern.IndexOf('}', at);
        if (close < 0) return 1;
        var body = pattern.AsSpan(at + 1, close - at - 1);
        var comma = body.IndexOf(',');
        var most = comma < 0 ? body : body[(comma + 1)..].Trim();
        if (comma >= 0 && most.IsEmpty) return int.MaxValue;
        return int.TryParse(most, NumberStyles.None, CultureInfo.InvariantCulture, out var bound) ? Math.Max(bound, 1) : int.MaxValue;
    }
}
