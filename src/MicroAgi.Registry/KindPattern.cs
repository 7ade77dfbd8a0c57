namespace MicroAgi.Registry;

/// <summary>A kind glob: <c>*</c> matches any run of characters, everything else matches itself.</summary>
internal static class KindPattern
{
    public static bool Matches(string pattern, string kind)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal)) return string.Equals(pattern, kind, StringComparison.Ordinal);
        return MatchesGlob(pattern, kind);
    }

    /// <summary>
    /// Greedy matching with one resume point: on a mismatch, only the most recent star takes one more
    /// character and matching resumes after it. Earlier stars never need revisiting (whatever they could
    /// swallow, the later star can too), so this is O(pattern × kind) even for <c>****…x</c>, where
    /// trying every split for every star is exponential — and patterns come from users and the agent.
    /// </summary>
    private static bool MatchesGlob(string pattern, string kind)
    {
        var p = 0;
        var k = 0;
        var resumePattern = -1;
        var resumeKind = 0;
        while (k < kind.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                // A run of stars collapses: each one only moves the resume point forward.
                resumePattern = ++p;
                resumeKind = k;
            }
            else if (p < pattern.Length && pattern[p] == kind[k])
            {
                p++;
                k++;
            }
            else if (resumePattern >= 0)
            {
                p = resumePattern;
                k = ++resumeKind;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
