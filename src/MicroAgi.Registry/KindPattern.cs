namespace MicroAgi.Registry;

/// <summary>A kind glob: <c>*</c> matches any run of characters, everything else matches itself.</summary>
internal static class KindPattern
{
    public static bool Matches(string pattern, string kind)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal)) return string.Equals(pattern, kind, StringComparison.Ordinal);
        return MatchFrom(pattern.AsSpan(), kind.AsSpan());
    }

    private static bool MatchFrom(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        var star = pattern.IndexOf('*');
        if (star < 0) return pattern.SequenceEqual(text);
        if (!text.StartsWith(pattern[..star])) return false;
        var rest = pattern[(star + 1)..];
        text = text[star..];
        // Kind names are short, so trying every split point is cheap and keeps the rule obvious.
        for (var skip = 0; skip <= text.Length; skip++)
        {
            if (MatchFrom(rest, text[skip..])) return true;
        }
        return false;
    }
}
