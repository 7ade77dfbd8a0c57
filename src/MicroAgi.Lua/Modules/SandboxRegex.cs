using System.Globalization;
using System.Text.RegularExpressions;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary>
/// A .NET regular expression that runs inside its call's limits (the <c>text</c> module's regexes).
/// <list type="bullet">
/// <item><b>Time.</b> .NET's match timeout is per match: a call finding twenty matches that each took
/// nearly the timeout ran 8.5 s against 1 s. Before every match the timeout is set to the time the
/// call has left, so all matches together end by the deadline.</item>
/// <item><b>Memory.</b> The backtracking engine records every iteration of a repeated group
/// (<c>(a|b)*</c> over 10 MB built 800 MB of capture and backtracking stacks), where no budget can
/// see it. When a repeated group could need more than the call's memory left over the text, the
/// pattern runs on the linear-time <see cref="RegexOptions.NonBacktracking"/> engine (which keeps
/// one capture per group), or is refused if that engine cannot run it.</item>
/// </list>
/// </summary>
internal sealed class SandboxRegex : Regex
{
    /// <summary>
    /// Compiling is one call the deadline cannot interrupt, and every match describes every group: a
    /// pattern of ten million empty groups took 19 s and gigabytes. Real patterns are far smaller.
    /// </summary>
    public const int MaxPatternLength = 32 * 1024;
    public const int MaxGroups = 1000;

    /// <summary>
    /// What the backtracking engine may build per character of text per group when a group repeats
    /// without bound: measured about 87 bytes per character for one group, so this is a ceiling.
    /// </summary>
    private const long BacktrackingBytesPerCharacterAndGroup = 128;

    /// <summary>A group repeated at most this often costs a bounded amount per match.</summary>
    private const int LargeRepeatCount = 256;

    /// <summary>The largest {n,m} count (or product of nested group counts) the linear-time engine is given.</summary>
    private const long MaxLinearCount = 8;

    private readonly LuaSandbox _sandbox;

    private SandboxRegex(string pattern, RegexOptions options, LuaSandbox sandbox)
        : base(pattern, options, TimeoutFor(sandbox))
    {
        _sandbox = sandbox;
    }

    /// <summary>Which engine runs the pattern (the documentation and tests name it).</summary>
    public bool IsLinear => (Options & RegexOptions.NonBacktracking) != 0;

    /// <summary>
    /// Compiles <paramref name="pattern"/> (argument <paramref name="patternArgument"/>) for use on
    /// <paramref name="text"/>. Throws <see cref="LuaArgumentException"/> for a bad or oversized
    /// pattern, or one that cannot run on this text within the memory left.
    /// </summary>
    public static SandboxRegex Create(HostCall call, string pattern, int patternArgument, RegexOptions options, string text)
    {
        if (pattern.Length > MaxPatternLength)
            throw new LuaArgumentException(patternArgument, $"the regular expression is longer than {MaxPatternLength} characters");
        options |= RegexOptions.CultureInvariant;
        SandboxRegex regex;
        try
        {
            regex = new SandboxRegex(pattern, options, call.Sandbox);
        }
        catch (ArgumentException e) when (e is not ArgumentOutOfRangeException)
        {
            throw new LuaArgumentException(patternArgument, $"invalid regular expression: {e.Message}");
        }
        var groups = regex.GetGroupNumbers().Length - 1;
        if (groups > MaxGroups)
            throw new LuaArgumentException(patternArgument, $"the regular expression has more than {MaxGroups} groups");
        if (!RepeatsGroup(pattern)) return regex;
        var worstCase = text.Length * BacktrackingBytesPerCharacterAndGroup * (groups + 1);
        var room = call.Sandbox.MemoryRoom;
        if (worstCase <= room) return regex;
        // The linear-time engine unrolls counted repeats into states: with large counts it answered "no
        // match" where there is one ((a){1,10000} on 100,000 a's), and its capture pass — which does not
        // look at the timeout — ran 3 s against 1 s for (a{1,255})* and two minutes for ((a){0,50}){0,50}.
        var largestCount = LargestCount(pattern);
        if (largestCount > MaxLinearCount)
            throw new LuaArgumentException(patternArgument,
                $"the regular expression repeats a group, which on a text of {text.Length} characters could need more memory than the call has left ({room} bytes), "
                + $"and it counts repeats up to {largestCount}, more than the linear-time engine runs correctly and in time ({MaxLinearCount}): use a shorter text, or * and + instead of large {{n,m}} counts");
        try
        {
            return new SandboxRegex(pattern, options | RegexOptions.NonBacktracking, call.Sandbox);
        }
        catch (NotSupportedException e)
        {
            throw new LuaArgumentException(patternArgument,
                $"the regular expression repeats a group, which on a text of {text.Length} characters could need more memory than the call has left ({room} bytes), "
                + $"and it cannot run on the linear-time engine ({e.Message.TrimEnd('.')}): use a shorter text, or a pattern without backreferences, lookarounds or atomic groups");
        }
    }

    /// <summary>The first match in <paramref name="text"/>, within the time the call has left.</summary>
    public Match First(string text)
    {
        Arm();
        return Guarded(() => Match(text));
    }

    /// <summary>
    /// Every match in <paramref name="text"/>, each started with the time the call has left and counted
    /// as a step of <paramref name="budget"/>.
    /// </summary>
    public IEnumerable<Match> All(string text, HostBudget budget)
    {
        var match = First(text);
        while (match.Success)
        {
            yield return match;
            budget.Step();
            Arm();
            var previous = match;
            match = Guarded(() => previous.NextMatch());
        }
    }

    /// <summary>Whether the pattern matches anywhere in <paramref name="text"/>, within the time the call has left.</summary>
    public bool MatchesAnywhere(string text)
    {
        Arm();
        return Guarded(() => IsMatch(text));
    }

    /// <summary>Sets the match timeout to the call's remaining time (the deadline, if it has passed).</summary>
    private void Arm() => internalMatchTimeout = TimeoutFor(_sandbox);

    private static TimeSpan TimeoutFor(LuaSandbox sandbox)
    {
        var remaining = sandbox.Remaining;
        if (remaining <= TimeSpan.Zero) throw new LuaLimitException(LimitKind.Timeout, "timeout");
        // A Regex timeout is at most about 24 days; a call's deadline is far sooner.
        return remaining < TimeSpan.FromDays(1) ? remaining : TimeSpan.FromDays(1);
    }

    private static T Guarded<T>(Func<T> match)
    {
        try
        {
            return match();
        }
        catch (RegexMatchTimeoutException)
        {
            throw new LuaLimitException(LimitKind.Timeout, "timeout");
        }
    }

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
    internal static bool RepeatsGroup(string pattern) => Scan(pattern).RepeatsGroup;

    /// <summary>The largest count of a <c>{n,m}</c> quantifier, or product of the counts of repeated groups, in <paramref name="pattern"/>.</summary>
    internal static long LargestCount(string pattern) => Scan(pattern).LargestCount;

    private static (bool RepeatsGroup, long LargestCount) Scan(string pattern)
    {
        var inClass = false;
        var repeatsGroup = false;
        long largest = 1;
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
                    if (counted < int.MaxValue) largest = Math.Max(largest, counted);
                    break;
                case ')':
                    var count = RepeatCount(pattern, SkipBlanks(pattern, i + 1));
                    if (count > LargeRepeatCount) repeatsGroup = true;
                    // Saturates: a product past the largest count that matters is as good as any larger one.
                    if (count < int.MaxValue) repeats = Math.Min(repeats * count, int.MaxValue);
                    largest = Math.Max(largest, repeats);
                    if (repeats > LargeRepeatCount) repeatsGroup = true;
                    break;
            }
        }
        return (repeatsGroup, largest);
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
