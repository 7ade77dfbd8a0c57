using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MicroAgi.Functions.Schema;

/// <summary>
/// A schema's <c>pattern</c>, checked within the time its call has. Arguments are checked before the
/// tool runs, so a backtracking pattern over many strings (100 ms each, once per string) used to run
/// long before the sandbox's clock even started. Patterns the linear-time engine supports run on it:
/// time proportional to the text, and no backtracking stacks (a repeated group over a long string
/// builds hundreds of megabytes on the backtracking engine). The others (backreferences,
/// lookarounds) run with the time left as their timeout, on strings of bounded length.
/// </summary>
internal sealed class SchemaPattern
{
    /// <summary>The longest string checked against a pattern that needs the backtracking engine.</summary>
    public const int MaxBacktrackingLength = 64 * 1024;

    private readonly string _pattern;
    private readonly Regex? _linear;

    /// <summary>Throws <see cref="ArgumentException"/> for an invalid pattern.</summary>
    public SchemaPattern(string pattern)
    {
        _pattern = pattern;
        _ = new Regex(pattern, RegexOptions.CultureInvariant);
        // The linear-time engine runs large counted repeats with no regard for the timeout (there is none
        // here): ^(a{1,255})*$ took 5.4 s on a 1 MB argument against a 1 s call. Those patterns take the
        // bounded backtracking path below instead.
        if (RegexRepeats.LargestCount(pattern) > RegexRepeats.MaxLinearCount) return;
        try
        {
            _linear = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            _linear = null;
        }
    }

    /// <summary>Null when <paramref name="text"/> matches, else what is wrong. <paramref name="deadline"/> is a <see cref="Stopwatch"/> timestamp.</summary>
    public string? Check(string text, long deadline)
    {
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
        if (remaining <= TimeSpan.Zero) return OutOfTime();
        if (_linear is not null) return _linear.IsMatch(text) ? null : $"must match the pattern {_pattern}";
        if (text.Length > MaxBacktrackingLength)
            return $"is too long ({text.Length} characters) to check against the pattern {_pattern}, which needs the backtracking engine (backreferences, lookarounds or {{n,m}} counts above {RegexRepeats.MaxLinearCount}): at most {MaxBacktrackingLength} characters";
        try
        {
            return new Regex(_pattern, RegexOptions.CultureInvariant, remaining).IsMatch(text) ? null : $"must match the pattern {_pattern}";
        }
        catch (RegexMatchTimeoutException)
        {
            // The match was given what remained of the call's time: running out here or before it is the same fault.
            return OutOfTime();
        }
    }

    private string OutOfTime() => $"could not be checked against the pattern {_pattern} within the call's time limit";

    public override string ToString() => _pattern;
}
