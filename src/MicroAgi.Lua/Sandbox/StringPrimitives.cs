using System.Buffers;
using MicroAgi.Lua.Native;

namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// The C# halves of string.find, match, gmatch, gsub and rep (the Lua halves are in Prelude.lua).
/// They follow lstrlib.c's semantics exactly, but count their work against the call's deadline and
/// check the memory budget before building big strings. Errors come back as <c>false, message</c>
/// for the Lua wrapper to raise at the caller's line.
/// </summary>
internal static unsafe class StringPrimitives
{
    private static readonly SearchValues<byte> Specials = SearchValues.Create("^$*+?.([%-"u8);

    public static IReadOnlyList<HostFunction> All { get; } =
    [
        new("find", Find) { FailWithFalse = true },
        new("match", Match) { FailWithFalse = true },
        new("gmatch", GMatch) { FailWithFalse = true },
        new("gsub_find", GSubFind) { FailWithFalse = true },
        new("gsub", GSub) { FailWithFalse = true },
        new("rep", Rep) { FailWithFalse = true },
    ];

    /// <summary>lstrlib's posrelatI: a relative initial position, as a 1-based index.</summary>
    private static long RelativeStart(long position, int length)
    {
        if (position > 0) return position;
        if (position == 0 || position < -length) return 1;
        return length + position + 1;
    }

    private static int Find(HostCall call) => FindOrMatch(call, find: true);

    private static int Match(HostCall call) => FindOrMatch(call, find: false);

    private static int FindOrMatch(HostCall call, bool find)
    {
        var source = call.Bytes(1);
        var pattern = call.Bytes(2);
        var start = RelativeStart(call.OptionalInteger(3, 1), source.Length) - 1;
        if (start > source.Length) return call.PushNil();
        var control = SandboxControl.Of(call.L);
        if (find && (call.OptionalBoolean(4, false) || !pattern.ContainsAny(Specials)))
        {
            var found = PlainFind(source[(int)start..], pattern, control);
            if (found < 0) return call.PushNil();
            call.PushInteger(start + found + 1);
            call.PushInteger(start + found + pattern.Length);
            return 2;
        }
        var anchored = pattern.Length > 0 && pattern[0] == '^';
        var matcher = NewMatcher(source, anchored ? pattern[1..] : pattern, stackalloc int[PatternMatcher.MaxCaptures], stackalloc int[PatternMatcher.MaxCaptures], control);
        var s = (int)start;
        do
        {
            matcher.Reset();
            var end = matcher.Match(s, 0);
            if (end != -1)
            {
                if (!find) return PushCaptures(call, ref matcher, s, end, wholeMatchIfNone: true);
                call.PushInteger(s + 1);
                call.PushInteger(end);
                return 2 + PushCaptures(call, ref matcher, s, end, wholeMatchIfNone: false);
            }
            matcher.Step();
        }
        while (s++ < source.Length && !anchored);
        return call.PushNil();
    }

    /// <summary>gmatch's step: the next match at or after <c>src</c> whose end differs from <c>lastmatch</c>; returns its end (1-based, exclusive) and captures.</summary>
    private static int GMatch(HostCall call)
    {
        var source = call.Bytes(1);
        var pattern = call.Bytes(2);
        var from = (int)Math.Clamp(call.Integer(3) - 1, 0, source.Length + 1L);
        var lastMatch = call.Integer(4);
        var matcher = NewMatcher(source, pattern, stackalloc int[PatternMatcher.MaxCaptures], stackalloc int[PatternMatcher.MaxCaptures], SandboxControl.Of(call.L));
        for (var s = from; s <= source.Length; s++)
        {
            matcher.Reset();
            var end = matcher.Match(s, 0);
            if (end != -1 && end + 1 != lastMatch)
            {
                call.PushInteger(end + 1);
                return 1 + PushCaptures(call, ref matcher, s, end, wholeMatchIfNone: true);
            }
            matcher.Step();
        }
        return call.PushNil();
    }

    /// <summary>gsub's step for function/table replacements: the next match's start, end (1-based, exclusive) and captures.</summary>
    private static int GSubFind(HostCall call)
    {
        var source = call.Bytes(1);
        var pattern = call.Bytes(2);
        var from = (int)Math.Clamp(call.Integer(3) - 1, 0, source.Length + 1L);
        var lastMatch = call.Integer(4);
        var anchored = pattern.Length > 0 && pattern[0] == '^';
        var matcher = NewMatcher(source, anchored ? pattern[1..] : pattern, stackalloc int[PatternMatcher.MaxCaptures], stackalloc int[PatternMatcher.MaxCaptures], SandboxControl.Of(call.L));
        for (var s = from; s <= source.Length; s++)
        {
            matcher.Reset();
            var end = matcher.Match(s, 0);
            if (end != -1 && end + 1 != lastMatch)
            {
                call.PushInteger(s + 1);
                call.PushInteger(end + 1);
                return 2 + PushCaptures(call, ref matcher, s, end, wholeMatchIfNone: true);
            }
            if (anchored) break;
            matcher.Step();
        }
        return call.PushNil();
    }

    /// <summary>The whole of gsub when the replacement is a string (or number).</summary>
    private static int GSub(HostCall call)
    {
        var source = call.Bytes(1);
        var pattern = call.Bytes(2);
        var replacement = call.Bytes(3);
        var maxReplacements = call.OptionalInteger(4, source.Length + 1L);
        var anchored = pattern.Length > 0 && pattern[0] == '^';
        var matcher = NewMatcher(source, anchored ? pattern[1..] : pattern, stackalloc int[PatternMatcher.MaxCaptures], stackalloc int[PatternMatcher.MaxCaptures], SandboxControl.Of(call.L));
        var output = new ArrayBufferWriter<byte>(Math.Max(16, source.Length));
        // The copied source bytes add at most the source's size; the replacements are what can grow.
        var budget = call.Budget();
        int s = 0, lastMatch = -1;
        long count = 0;
        while (count < maxReplacements)
        {
            matcher.Reset();
            var end = matcher.Match(s, 0);
            if (end != -1 && end != lastMatch)
            {
                count++;
                budget.Allocate(ExpandReplacement(null, replacement, ref matcher, s, end));
                ExpandReplacement(output, replacement, ref matcher, s, end);
                s = lastMatch = end;
            }
            else if (s < source.Length)
            {
                output.Write(source.Slice(s++, 1));
            }
            else
            {
                break;
            }
            if (anchored) break;
            matcher.Step();
        }
        // As lstrlib: with nothing replaced the result is the subject itself (read as a string above).
        if (count == 0)
        {
            call.PushArgument(1);
        }
        else
        {
            output.Write(source[s..]);
            call.PushBytes(output.WrittenSpan);
        }
        call.PushInteger(count);
        return 2;
    }

    /// <summary>
    /// Expands the replacement of the match [<paramref name="s"/>, <paramref name="end"/>) into
    /// <paramref name="output"/> and returns its length; with no output it only measures. gsub measures
    /// first: a short replacement repeating a long match (<c>("%0"):rep(4096)</c>) is gigabytes.
    /// </summary>
    private static long ExpandReplacement(ArrayBufferWriter<byte>? output, ReadOnlySpan<byte> replacement, ref PatternMatcher matcher, int s, int end)
    {
        long length = 0;
        var rest = replacement;
        int escape;
        while ((escape = rest.IndexOf((byte)'%')) >= 0)
        {
            length += Emit(output, rest[..escape]);
            var code = escape + 1 < rest.Length ? rest[escape + 1] : (byte)0;
            if (code == '%')
            {
                length += Emit(output, "%"u8);
            }
            else if (code == '0')
            {
                length += Emit(output, matcher.Source[s..end]);
            }
            else if (code is >= (byte)'1' and <= (byte)'9')
            {
                length += EmitCapture(output, ref matcher, code - '1', s, end);
            }
            else
            {
                throw new PatternException("invalid use of '%' in replacement string");
            }
            rest = rest[Math.Min(rest.Length, escape + 2)..];
            matcher.Step();
        }
        return length + Emit(output, rest);
    }

    private static int Emit(ArrayBufferWriter<byte>? output, ReadOnlySpan<byte> piece)
    {
        output?.Write(piece);
        return piece.Length;
    }

    private static int EmitCapture(ArrayBufferWriter<byte>? output, ref PatternMatcher matcher, int index, int s, int end)
    {
        if (index >= matcher.Level)
        {
            if (index != 0) throw new PatternException($"invalid capture index %{index + 1}");
            return Emit(output, matcher.Source[s..end]);
        }
        var length = matcher.CaptureLength(index);
        if (length == PatternMatcher.CaptureUnfinished) throw new PatternException("unfinished capture");
        if (length == PatternMatcher.CapturePosition)
        {
            var text = (matcher.CaptureStart(index) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Emit(output, System.Text.Encoding.ASCII.GetBytes(text));
        }
        return Emit(output, matcher.Source.Slice(matcher.CaptureStart(index), length));
    }

    /// <summary>lstrlib's push_captures: the captures, or the whole match when the pattern has none (and one is wanted).</summary>
    private static int PushCaptures(HostCall call, ref PatternMatcher matcher, int s, int end, bool wholeMatchIfNone)
    {
        var count = matcher.Level == 0 && wholeMatchIfNone ? 1 : matcher.Level;
        if (LuaNative.lua_checkstack(call.L, count) == 0) throw new PatternException("too many captures");
        for (var i = 0; i < count; i++)
        {
            if (i >= matcher.Level)
            {
                call.PushBytes(matcher.Source[s..end]);
                continue;
            }
            var length = matcher.CaptureLength(i);
            if (length == PatternMatcher.CaptureUnfinished) throw new PatternException("unfinished capture");
            if (length == PatternMatcher.CapturePosition) call.PushInteger(matcher.CaptureStart(i) + 1L);
            else call.PushBytes(matcher.Source.Slice(matcher.CaptureStart(i), length));
        }
        return count;
    }

    /// <summary>A plain substring search that checks the deadline between candidate positions (a naive search can be quadratic).</summary>
    private static int PlainFind(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle, SandboxControl* control)
    {
        if (needle.IsEmpty) return 0;
        if (needle.Length > haystack.Length) return -1;
        var first = needle[0];
        var rest = needle[1..];
        var offset = 0;
        long work = 0;
        while (offset <= haystack.Length - needle.Length)
        {
            var candidate = haystack[offset..(haystack.Length - needle.Length + 1)].IndexOf(first);
            if (candidate < 0) return -1;
            offset += candidate;
            if (haystack.Slice(offset + 1, rest.Length).SequenceEqual(rest)) return offset;
            work += needle.Length;
            if (work > 1 << 20)
            {
                work = 0;
                PatternMatcher.CheckDeadline(control);
            }
            offset++;
        }
        return -1;
    }

    private static int Rep(HostCall call)
    {
        var text = call.Bytes(1);
        var count = call.Integer(2);
        var separator = call.IsNoneOrNil(3) ? default : call.Bytes(3);
        if (count <= 0) return call.PushBytes(ReadOnlySpan<byte>.Empty);
        // lstrlib's own bound, counting the separator n times: past it Lua raises an ordinary error.
        if ((Int128)(text.Length + separator.Length) * count > int.MaxValue) throw new PatternException("resulting string too large");
        var total = (Int128)text.Length * count + (Int128)separator.Length * (count - 1);
        call.EnsureRoom((long)total);
        var result = GC.AllocateUninitializedArray<byte>((int)total);
        var unit = separator.Length + text.Length;
        text.CopyTo(result);
        if (count > 1)
        {
            separator.CopyTo(result.AsSpan(text.Length));
            text.CopyTo(result.AsSpan(unit));
            // Double the filled prefix until the result is complete: O(log n) large copies.
            var filled = text.Length + unit;
            while (filled < result.Length)
            {
                var chunk = Math.Min(filled - text.Length, result.Length - filled);
                result.AsSpan(text.Length, chunk).CopyTo(result.AsSpan(filled));
                filled += chunk;
            }
        }
        PatternMatcher.CheckDeadline(SandboxControl.Of(call.L));
        return call.PushBytes(result);
    }

    private static PatternMatcher NewMatcher(ReadOnlySpan<byte> source, ReadOnlySpan<byte> pattern, Span<int> starts, Span<int> lengths, SandboxControl* control) =>
        new(source, pattern, starts, lengths, control);
}
