using System.Globalization;
using System.Text.RegularExpressions;
using MicroAgi.Functions;
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

    /// <summary>
    /// How fast the linear-time engine is assumed to fill capturing groups, a third of the slowest measured. Its
    /// capture pass does not look at the timeout: (\w+\s*)* took 585 ms and (a{1,8})* 547 ms on 4 MB against a
    /// 200 ms timeout (about 0.15 µs a character: a 60 MB text would run 9 s past the deadline), where the same
    /// patterns without capturing groups took 20 ms. A text is given to it with capturing groups only if the
    /// call's time left covers the text at this rate.
    /// </summary>
    public const int LinearCaptureCharactersPerSecond = 2_000_000;


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
    /// <param name="capturing">Whether the caller reads the groups of a match (not only whether there is one).</param>
    public static SandboxRegex Create(HostCall call, string pattern, int patternArgument, RegexOptions options, string text, bool capturing = true)
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
        if (!RegexRepeats.RepeatsGroup(pattern)) return regex;
        var worstCase = text.Length * BacktrackingBytesPerCharacterAndGroup * (groups + 1);
        var room = call.Sandbox.MemoryRoom;
        if (worstCase <= room) return regex;
        // The linear-time engine unrolls counted repeats into states: with large counts it answered "no
        // match" where there is one ((a){1,10000} on 100,000 a's), and its capture pass — which does not
        // look at the timeout — ran 3 s against 1 s for (a{1,255})* and two minutes for ((a){0,50}){0,50}.
        var largestCount = RegexRepeats.LargestCount(pattern);
        if (largestCount > RegexRepeats.MaxLinearCount)
            throw new LuaArgumentException(patternArgument,
                $"the regular expression repeats a group, which on a text of {text.Length} characters could need more memory than the call has left ({room} bytes), "
                + $"and it counts repeats up to {largestCount}, more than the linear-time engine runs correctly and in time ({RegexRepeats.MaxLinearCount}): use a shorter text, or * and + instead of large {{n,m}} counts");
        var captureLimit = (long)(TimeoutFor(call.Sandbox).TotalSeconds * LinearCaptureCharactersPerSecond);
        if (capturing && groups > 0 && text.Length > captureLimit)
            throw new LuaArgumentException(patternArgument,
                $"the regular expression repeats a group, which on a text of {text.Length} characters could need more memory than the call has left ({room} bytes), "
                + $"and the linear-time engine that needs no more fills capturing groups without looking at the deadline, too slowly for the time left (about {captureLimit} characters): "
                + "write groups whose text you do not need as (?:...), or use a shorter text");
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
}
