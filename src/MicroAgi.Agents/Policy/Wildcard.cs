namespace MicroAgi.Agents.Policy;

/// <summary>
/// Tool-name patterns: <c>*</c> stands for any run of characters (<c>web_*</c>, <c>*_search</c>), letter case
/// is ignored. Matched by a linear scan, not a regular expression, so no pattern can make matching slow.
/// </summary>
public static class Wildcard
{
    public static bool HasWildcard(string pattern) => pattern.Contains('*', StringComparison.Ordinal);

    public static bool Matches(string pattern, string value)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(value);
        int p = 0, v = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = v;
            }
            else if (p < pattern.Length && char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(value[v]))
            {
                p++;
                v++;
            }
            else if (star >= 0)
            {
                // Let the last star take one more character and try the rest again.
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    /// <summary>
    /// Whether <paramref name="pattern"/> matches some value that starts with <paramref name="prefix"/>: some
    /// beginning of the pattern matches the whole prefix (the rest of the pattern can always match a tail).
    /// </summary>
    public static bool MatchesSomeWithPrefix(string pattern, string prefix)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(prefix);
        for (var length = 0; length <= pattern.Length; length++)
        {
            if (Matches(pattern[..length], prefix)) return true;
        }
        return false;
    }
}
