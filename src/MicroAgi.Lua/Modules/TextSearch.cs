using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary>
/// Ordinal substring search that stops at the call's deadline. A library search is one call the
/// deadline cannot interrupt, and its worst case is the text's length times the needle's
/// (<c>("a"):rep(1e7)</c> searched for <c>("a"):rep(1e6) .. "b"</c>): short needles are searched a
/// window at a time, long ones a candidate position at a time, with the clock checked in between.
/// </summary>
internal static class TextSearch
{
    /// <summary>Needles up to this length cost at most this many comparisons per position.</summary>
    private const int ShortNeedle = 64;
    /// <summary>Characters searched between clock checks (at most ShortNeedle times as many comparisons).</summary>
    private const int Window = 256 * 1024;

    /// <summary>The index of <paramref name="needle"/> in <paramref name="text"/> at or after <paramref name="start"/>, or -1.</summary>
    public static int IndexOf(string text, string needle, int start, HostBudget budget)
    {
        var haystack = text.AsSpan();
        if (needle.Length <= ShortNeedle)
        {
            for (var from = start; from <= haystack.Length - needle.Length; from += Window)
            {
                var end = (int)Math.Min(haystack.Length, (long)from + Window + needle.Length - 1);
                var found = haystack[from..end].IndexOf(needle, StringComparison.Ordinal);
                if (found >= 0) return from + found;
                budget.CheckDeadline();
            }
            return needle.Length == 0 && start <= haystack.Length ? start : -1;
        }
        var first = needle[0];
        var rest = needle.AsSpan(1);
        long work = 0;
        for (var offset = start; offset <= haystack.Length - needle.Length; offset++)
        {
            var candidate = haystack[offset..(haystack.Length - needle.Length + 1)].IndexOf(first);
            if (candidate < 0) return -1;
            offset += candidate;
            if (haystack.Slice(offset + 1, rest.Length).SequenceEqual(rest)) return offset;
            work += needle.Length;
            if (work < Window) continue;
            work = 0;
            budget.CheckDeadline();
        }
        return -1;
    }
}
