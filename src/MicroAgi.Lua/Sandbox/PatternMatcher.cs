using System.Diagnostics;

namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// Lua 5.4's pattern matcher (lstrlib.c: match, max_expand, min_expand, captures, %b, %f) in C#,
/// with one addition: every step is counted and the call's deadline is checked every few thousand
/// steps. The C matcher backtracks inside a single C function, out of the count hook's reach —
/// <c>("a"):rep(200):find(".-.-.-.-b")</c> ran for seconds; here it stops at the deadline.
/// Character classes follow the C locale (ASCII), as Lua does by default.
/// </summary>
internal unsafe ref struct PatternMatcher
{
    public const int MaxCaptures = 32;
    private const int MaxRecursion = 200;
    public const int CaptureUnfinished = -1;
    public const int CapturePosition = -2;
    private const byte Escape = (byte)'%';
    private const int StepsPerClockCheck = 4096;

    private readonly ReadOnlySpan<byte> _source;
    private readonly ReadOnlySpan<byte> _pattern;
    private readonly Span<int> _captureStart;
    private readonly Span<int> _captureLength;
    private readonly SandboxControl* _control;
    private int _matchDepth;
    private int _steps;

    public PatternMatcher(ReadOnlySpan<byte> source, ReadOnlySpan<byte> pattern, Span<int> captureStart, Span<int> captureLength, SandboxControl* control)
    {
        _source = source;
        _pattern = pattern;
        _captureStart = captureStart;
        _captureLength = captureLength;
        _control = control;
        Level = 0;
        _matchDepth = MaxRecursion;
        _steps = 0;
    }

    /// <summary>Captures opened so far (finished or not).</summary>
    public int Level { get; private set; }

    public readonly ReadOnlySpan<byte> Source => _source;

    /// <summary>Resets the captures before trying a new start position (lstrlib's reprepstate).</summary>
    public void Reset()
    {
        Level = 0;
        _matchDepth = MaxRecursion;
    }

    /// <summary>Tries the whole pattern from pattern position <paramref name="p"/> at source position <paramref name="s"/>; returns the end of the match or -1.</summary>
    public int Match(int s, int p) => DoMatch(s, p);

    public readonly int CaptureStart(int index) => _captureStart[index];

    public readonly int CaptureLength(int index) => _captureLength[index];

    /// <summary>Counts work done outside the matcher (scanning start positions) against the same budget.</summary>
    public void Step(int weight = 1)
    {
        _steps += weight;
        if (_steps < StepsPerClockCheck) return;
        _steps = 0;
        CheckDeadline(_control);
    }

    public static void CheckDeadline(SandboxControl* control)
    {
        if (control == null) return;
        if (control->Fatal == 0)
        {
            if (Stopwatch.GetTimestamp() >= control->Deadline) control->Trip(LimitKind.Timeout);
            else if (Volatile.Read(ref control->Cancelled) != 0) control->Trip(LimitKind.Cancelled);
        }
        if (control->Fatal != 0) throw new LuaLimitException((LimitKind)control->Fatal, "timeout");
    }

    private readonly byte P(int i) => i < _pattern.Length ? _pattern[i] : (byte)0;

    private readonly byte S(int i) => i < _source.Length ? _source[i] : (byte)0;

    private readonly int ClassEnd(int p)
    {
        var c = P(p++);
        if (c == Escape)
        {
            if (p >= _pattern.Length) throw new PatternException("malformed pattern (ends with '%')");
            return p + 1;
        }
        if (c == '[')
        {
            if (P(p) == '^') p++;
            do
            {
                if (p >= _pattern.Length) throw new PatternException("malformed pattern (missing ']')");
                if (_pattern[p++] == Escape && p < _pattern.Length) p++;
            }
            while (P(p) != ']');
            return p + 1;
        }
        return p;
    }

    private static bool MatchClass(int c, int cl)
    {
        bool result;
        switch (cl | 0x20)
        {
            case 'a': result = char.IsAsciiLetter((char)c); break;
            case 'c': result = c < 32 || c == 127; break;
            case 'd': result = c is >= '0' and <= '9'; break;
            case 'g': result = c is > 32 and < 127; break;
            case 'l': result = c is >= 'a' and <= 'z'; break;
            case 'p': result = c is > 32 and < 127 && !char.IsAsciiLetterOrDigit((char)c); break;
            case 's': result = c == ' ' || c is >= 9 and <= 13; break;
            case 'u': result = c is >= 'A' and <= 'Z'; break;
            case 'w': result = char.IsAsciiLetterOrDigit((char)c); break;
            case 'x': result = char.IsAsciiHexDigit((char)c); break;
            // Deprecated since Lua 5.2 but still in 5.4's lstrlib.c: %z is the zero byte, %Z any other.
            case 'z': result = c == 0; break;
            default: return cl == c;
        }
        return cl is >= 'A' and <= 'Z' ? !result : result;
    }

    /// <summary><paramref name="p"/> is at '[', <paramref name="ec"/> at the closing ']'.</summary>
    private readonly bool MatchBracketClass(int c, int p, int ec)
    {
        var matches = true;
        if (P(p + 1) == '^')
        {
            matches = false;
            p++;
        }
        while (++p < ec)
        {
            if (P(p) == Escape)
            {
                p++;
                if (MatchClass(c, P(p))) return matches;
            }
            else if (P(p + 1) == '-' && p + 2 < ec)
            {
                p += 2;
                if (P(p - 2) <= c && c <= P(p)) return matches;
            }
            else if (P(p) == c)
            {
                return matches;
            }
        }
        return !matches;
    }

    private readonly bool SingleMatch(int s, int p, int ep)
    {
        if (s >= _source.Length) return false;
        int c = _source[s];
        return P(p) switch
        {
            (byte)'.' => true,
            Escape => MatchClass(c, P(p + 1)),
            (byte)'[' => MatchBracketClass(c, p, ep - 1),
            var literal => literal == c,
        };
    }

    private int MatchBalance(int s, int p)
    {
        if (p >= _pattern.Length - 1) throw new PatternException("malformed pattern (missing arguments to '%b')");
        if (S(s) != P(p)) return -1;
        int open = P(p), close = P(p + 1), depth = 1;
        while (++s < _source.Length)
        {
            Step();
            var c = _source[s];
            if (c == close)
            {
                if (--depth == 0) return s + 1;
            }
            else if (c == open)
            {
                depth++;
            }
        }
        return -1;
    }

    private int MaxExpand(int s, int p, int ep)
    {
        var i = 0;
        while (SingleMatch(s + i, p, ep))
        {
            i++;
            Step();
        }
        while (i >= 0)
        {
            var result = DoMatch(s + i, ep + 1);
            if (result != -1) return result;
            i--;
        }
        return -1;
    }

    private int MinExpand(int s, int p, int ep)
    {
        while (true)
        {
            var result = DoMatch(s, ep + 1);
            if (result != -1) return result;
            if (!SingleMatch(s, p, ep)) return -1;
            s++;
        }
    }

    private int StartCapture(int s, int p, int what)
    {
        if (Level >= MaxCaptures) throw new PatternException("too many captures");
        _captureStart[Level] = s;
        _captureLength[Level] = what;
        Level++;
        var result = DoMatch(s, p);
        if (result == -1) Level--;
        return result;
    }

    private int EndCapture(int s, int p)
    {
        var l = CaptureToClose();
        _captureLength[l] = s - _captureStart[l];
        var result = DoMatch(s, p);
        if (result == -1) _captureLength[l] = CaptureUnfinished;
        return result;
    }

    private readonly int CaptureToClose()
    {
        for (var level = Level - 1; level >= 0; level--)
            if (_captureLength[level] == CaptureUnfinished) return level;
        throw new PatternException("invalid pattern capture");
    }

    private readonly int CheckCapture(int l)
    {
        l -= '1';
        if (l < 0 || l >= Level || _captureLength[l] == CaptureUnfinished)
            throw new PatternException($"invalid capture index %{l + 1}");
        return l;
    }

    private int MatchCapture(int s, int l)
    {
        l = CheckCapture(l);
        var length = _captureLength[l];
        if (length < 0 || _source.Length - s < length) return -1;
        Step(length / 64 + 1);
        return _source.Slice(_captureStart[l], length).SequenceEqual(_source.Slice(s, length)) ? s + length : -1;
    }

    private int DoMatch(int s, int p)
    {
        if (_matchDepth-- == 0) throw new PatternException("pattern too complex");
        Step();
        while (p != _pattern.Length)
        {
            var pc = _pattern[p];
            if (pc == '(')
            {
                s = P(p + 1) == ')' ? StartCapture(s, p + 2, CapturePosition) : StartCapture(s, p + 1, CaptureUnfinished);
                break;
            }
            if (pc == ')')
            {
                s = EndCapture(s, p + 1);
                break;
            }
            if (pc == '$' && p + 1 == _pattern.Length)
            {
                s = s == _source.Length ? s : -1;
                break;
            }
            if (pc == Escape)
            {
                var next = P(p + 1);
                if (next == 'b')
                {
                    s = MatchBalance(s, p + 2);
                    if (s == -1) break;
                    p += 4;
                    continue;
                }
                if (next == 'f')
                {
                    p += 2;
                    if (P(p) != '[') throw new PatternException("missing '[' after '%f' in pattern");
                    var end = ClassEnd(p);
                    int previous = s == 0 ? 0 : _source[s - 1];
                    if (!MatchBracketClass(previous, p, end - 1) && MatchBracketClass(S(s), p, end - 1))
                    {
                        p = end;
                        continue;
                    }
                    s = -1;
                    break;
                }
                if (next is >= (byte)'0' and <= (byte)'9')
                {
                    s = MatchCapture(s, next);
                    if (s == -1) break;
                    p += 2;
                    continue;
                }
            }
            // A single-character class, possibly followed by a repetition suffix.
            var ep = ClassEnd(p);
            var suffix = P(ep);
            if (!SingleMatch(s, p, ep))
            {
                if (suffix is (byte)'*' or (byte)'?' or (byte)'-')
                {
                    p = ep + 1;
                    continue;
                }
                s = -1;
                break;
            }
            if (suffix == '?')
            {
                var result = DoMatch(s + 1, ep + 1);
                if (result != -1)
                {
                    s = result;
                    break;
                }
                p = ep + 1;
                continue;
            }
            if (suffix == '+')
            {
                s = MaxExpand(s + 1, p, ep);
                break;
            }
            if (suffix == '*')
            {
                s = MaxExpand(s, p, ep);
                break;
            }
            if (suffix == '-')
            {
                s = MinExpand(s, p, ep);
                break;
            }
            s++;
            p = ep;
        }
        _matchDepth++;
        return s;
    }
}

/// <summary>A malformed pattern or capture reference; the message is Lua's own wording.</summary>
internal sealed class PatternException(string message) : Exception(message);
