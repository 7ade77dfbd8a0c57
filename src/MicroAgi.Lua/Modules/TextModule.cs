using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAgi.Lua.Native;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary>
/// <c>text</c>: Unicode-aware string helpers and regular expressions (.NET syntax) that cannot run
/// past the call's deadline (docs/lua/modules/text.md). Every loop over matches or pieces reports to
/// the call's <see cref="HostBudget"/>, and lists are streamed into Lua rather than built first, so
/// neither many small results nor a few huge ones outgrow the call's memory or time.
/// </summary>
internal static class TextModule
{
    private const int MaxMatches = 100_000;
    /// <summary>What a match table costs besides its text, for memory accounting.</summary>
    private const int DescriptionBytes = 256;
    /// <summary>What each group adds to a match table besides its text (a node, a slot, a key).</summary>
    private const int GroupBytes = 64;

    public static HostModule Module { get; } = new("text",
    [
        ("split", Split),
        ("trim", call => Trim(call, TrimSide.Both)),
        ("trim_left", call => Trim(call, TrimSide.Left)),
        ("trim_right", call => Trim(call, TrimSide.Right)),
        ("starts_with", call => call.PushBoolean(call.String(1).StartsWith(call.String(2), StringComparison.Ordinal))),
        ("ends_with", call => call.PushBoolean(call.String(1).EndsWith(call.String(2), StringComparison.Ordinal))),
        ("contains", call => call.PushBoolean(TextSearch.IndexOf(call.String(1), call.String(2), 0, call.Budget()) >= 0)),
        ("replace", Replace),
        ("lower", call => call.PushString(call.String(1).ToLowerInvariant())),
        ("upper", call => call.PushString(call.String(1).ToUpperInvariant())),
        ("len", call => call.PushInteger(call.String(1).EnumerateRunes().Count())),
        ("sub", Sub),
        ("pad_left", call => Pad(call, left: true)),
        ("pad_right", call => Pad(call, left: false)),
        ("lines", call => PushList(call.Sandbox, call.L, Lines(call.String(1)))),
        ("truncate", Truncate),
        ("is_match", IsMatch),
        ("match", Match),
        ("match_all", MatchAll),
        ("regex_replace", RegexReplace),
        ("regex_split", RegexSplit),
        ("regex_escape", RegexEscape),
    ]);

    private enum TrimSide
    {
        Both,
        Left,
        Right,
    }

    // ------------------------------------------------------------------ plain helpers

    private static int Split(HostCall call)
    {
        var text = call.String(1);
        var separator = call.String(2);
        var limit = call.OptionalInteger(3, 0);
        if (limit < 0) return call.Fail("text.split: limit must not be negative");
        var parts = separator.Length == 0 ? text.EnumerateRunes().Select(r => r.ToString()) : Pieces(text, separator, limit, call.Budget());
        return PushList(call.Sandbox, call.L, parts);
    }

    /// <summary>The pieces of <paramref name="text"/> between separators, at most <paramref name="limit"/> (0: all) of them, the last holding the rest.</summary>
    private static IEnumerable<string> Pieces(string text, string separator, long limit, HostBudget budget)
    {
        var start = 0;
        for (long count = 1; limit == 0 || count < limit; count++)
        {
            var found = TextSearch.IndexOf(text, separator, start, budget);
            if (found < 0) break;
            yield return text[start..found];
            start = found + separator.Length;
        }
        yield return text[start..];
    }

    private static int Trim(HostCall call, TrimSide side)
    {
        var text = call.String(1);
        var characters = call.OptionalString(2);
        if (characters is null)
        {
            return call.PushString(side switch
            {
                TrimSide.Left => text.TrimStart(),
                TrimSide.Right => text.TrimEnd(),
                _ => text.Trim(),
            });
        }
        // string.Trim(char[]) looks each character up in the set by a linear scan: a 400 KB text and
        // set took 43 s. A SearchValues set answers in constant time.
        var set = SearchValues.Create(characters);
        var span = text.AsSpan();
        var start = side == TrimSide.Right ? 0 : span.IndexOfAnyExcept(set);
        if (start < 0) return call.PushString("");
        var end = side == TrimSide.Left ? span.Length : span.LastIndexOfAnyExcept(set) + 1;
        return call.PushString(text[start..end]);
    }

    private static int Replace(HostCall call)
    {
        var text = call.String(1);
        var old = call.String(2);
        var replacement = call.String(3);
        var max = call.OptionalInteger(4, long.MaxValue);
        if (old.Length == 0) return call.Fail("text.replace: the text to replace must not be empty");
        var budget = call.Budget();
        var output = new StringBuilder(text.Length);
        long count = 0;
        var position = 0;
        while (count < max)
        {
            var found = TextSearch.IndexOf(text, old, position, budget);
            if (found < 0) break;
            budget.Allocate(found - position + replacement.Length);
            output.Append(text, position, found - position).Append(replacement);
            position = found + old.Length;
            count++;
        }
        output.Append(text, position, text.Length - position);
        call.PushString(output.ToString());
        call.PushInteger(count);
        return 2;
    }

    private static int Sub(HostCall call)
    {
        var text = call.String(1);
        var length = text.EnumerateRunes().Count();
        long Position(long p) => p < 0 ? Math.Max(length + p + 1, 1) : p;
        var start = Math.Max(Position(call.OptionalInteger(2, 1)), 1);
        var end = Math.Min(Position(call.OptionalInteger(3, -1)), length);
        if (start > end) return call.PushString("");
        var from = OffsetAfter(text, 0, start - 1);
        return call.PushString(text[from..OffsetAfter(text, from, end - start + 1)]);
    }

    /// <summary>The UTF-16 index <paramref name="characters"/> Unicode characters after <paramref name="from"/> (or the end).</summary>
    private static int OffsetAfter(string text, int from, long characters)
    {
        var offset = from;
        foreach (var rune in text.AsSpan(from).EnumerateRunes())
        {
            if (characters-- <= 0) break;
            offset += rune.Utf16SequenceLength;
        }
        return offset;
    }

    private static int Pad(HostCall call, bool left)
    {
        var text = call.String(1);
        var width = call.Integer(2);
        var fill = call.OptionalString(3) ?? " ";
        if (fill.EnumerateRunes().Count() != 1) return call.Fail($"{call.Name}: the fill must be exactly one character");
        if (width > 1024 * 1024) return call.Fail($"{call.Name}: width must be at most 1048576");
        var missing = (int)Math.Max(0, width - text.EnumerateRunes().Count());
        var padding = string.Concat(Enumerable.Repeat(fill, missing));
        return call.PushString(left ? padding + text : text + padding);
    }

    private static IEnumerable<string> Lines(string text)
    {
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line) yield return line;
    }

    private static int Truncate(HostCall call)
    {
        var text = call.String(1);
        var max = call.Integer(2);
        var suffix = call.OptionalString(3) ?? "...";
        if (max < 0) return call.Fail("text.truncate: the length must not be negative");
        if (text.EnumerateRunes().Count() <= max) return call.PushString(text);
        var suffixLength = suffix.EnumerateRunes().Count();
        var keep = Math.Max(0, max - suffixLength);
        return call.PushString(string.Concat(text.AsSpan(0, OffsetAfter(text, 0, keep)), max >= suffixLength ? suffix : ""));
    }

    /// <summary>
    /// Pushes a list of <paramref name="items"/>, taken one at a time: each is in Lua (and counted by
    /// the allocator) before the next is made, and each is reported to the call's budget.
    /// </summary>
    private static int PushList(LuaSandbox sandbox, nint L, IEnumerable<string> items)
    {
        var budget = new HostBudget(sandbox, L);
        LuaNative.lua_createtable(L, 0, 0);
        long index = 0;
        foreach (var item in items)
        {
            LuaStack.PushString(L, item);
            LuaNative.lua_rawseti(L, -2, ++index);
            budget.PushedValue(item.Length);
        }
        if (index == 0) sandbox.MarkShape(L, -1, TableShape.Array);
        return 1;
    }

    // ------------------------------------------------------------------ regular expressions

    /// <summary>
    /// Regex.Escape, on the string's bytes and paid for as it grows: escaping doubles a string of
    /// metacharacters, and building it whole (as UTF-16, twice the size again) came before any check.
    /// Only ASCII is ever escaped, so UTF-8 passes through unchanged.
    /// </summary>
    private static int RegexEscape(HostCall call)
    {
        var text = call.Bytes(1);
        var budget = call.Budget();
        var output = new ArrayBufferWriter<byte>(Math.Max(16, text.Length));
        while (!text.IsEmpty)
        {
            var special = text.IndexOfAny(RegexSpecials);
            var plain = special < 0 ? text : text[..special];
            budget.Allocate(plain.Length);
            output.Write(plain);
            if (special < 0) break;
            var escaped = RegexEscapeOf(text[special]);
            budget.Allocate(escaped.Length);
            output.Write(escaped);
            text = text[(special + 1)..];
        }
        return call.PushBytes(output.WrittenSpan);
    }

    /// <summary>What Regex.Escape escapes: its metacharacters, space, '#', and the white-space controls.</summary>
    private static readonly SearchValues<byte> RegexSpecials = SearchValues.Create("\\*+?|{[()^$.# \t\n\f\r"u8);

    private static ReadOnlySpan<byte> RegexEscapeOf(byte special) => special switch
    {
        (byte)'\t' => "\\t"u8,
        (byte)'\n' => "\\n"u8,
        (byte)'\f' => "\\f"u8,
        (byte)'\r' => "\\r"u8,
        (byte)'\\' => "\\\\"u8,
        (byte)'*' => "\\*"u8,
        (byte)'+' => "\\+"u8,
        (byte)'?' => "\\?"u8,
        (byte)'|' => "\\|"u8,
        (byte)'{' => "\\{"u8,
        (byte)'[' => "\\["u8,
        (byte)'(' => "\\("u8,
        (byte)')' => "\\)"u8,
        (byte)'^' => "\\^"u8,
        (byte)'$' => "\\$"u8,
        (byte)'.' => "\\."u8,
        (byte)'#' => "\\#"u8,
        _ => "\\ "u8,
    };


    /// <summary>A regex for <paramref name="text"/> that runs within the call's deadline and memory (see <see cref="SandboxRegex"/>).</summary>
    private static SandboxRegex Compile(HostCall call, int patternArgument, int flagsArgument, string text, bool capturing = true)
    {
        var pattern = call.String(patternArgument);
        var options = RegexOptions.None;
        foreach (var flag in call.OptionalString(flagsArgument) ?? "")
        {
            options |= flag switch
            {
                'i' => RegexOptions.IgnoreCase,
                'm' => RegexOptions.Multiline,
                's' => RegexOptions.Singleline,
                'x' => RegexOptions.IgnorePatternWhitespace,
                _ => throw new LuaArgumentException(flagsArgument, $"unknown regex flag '{flag}' (use i, m, s, x)"),
            };
        }
        return SandboxRegex.Create(call, pattern, patternArgument, options, text, capturing);
    }

    private static int IsMatch(HostCall call)
    {
        var text = call.String(1);
        return call.PushBoolean(Compile(call, 2, 3, text, capturing: false).MatchesAnywhere(text));
    }

    private static int Match(HostCall call)
    {
        var text = call.String(1);
        var regex = Compile(call, 2, 3, text);
        var match = regex.First(text);
        return match.Success ? call.PushJson(Describe(regex.GetGroupNames(), match, new ByteOffsets(text), call.Budget())) : call.PushNil();
    }

    private static int MatchAll(HostCall call)
    {
        var text = call.String(1);
        var regex = Compile(call, 2, 3, text);
        var all = new JsonArray();
        var offsets = new ByteOffsets(text);
        var budget = call.Budget();
        var names = regex.GetGroupNames();
        foreach (var match in regex.All(text, budget))
        {
            if (all.Count >= MaxMatches) throw new InvalidOperationException($"more than {MaxMatches} matches");
            all.Add(Describe(names, match, offsets, budget));
        }
        if (all.Count == 0)
        {
            LuaNative.lua_createtable(call.L, 0, 0);
            call.MarkShape(-1, TableShape.Array);
            return 1;
        }
        return call.PushJson(all);
    }

    /// <summary>{match, start, finish (byte positions as string.sub uses), groups (numbered), named}.</summary>
    private static JsonObject Describe(string[] names, Match match, ByteOffsets offsets, HostBudget budget)
    {
        // Groups may overlap (a lookahead can capture the rest of the text at every position): pay for
        // their text, and for one node each, before copying them.
        budget.Allocate(DescriptionBytes + (long)GroupBytes * names.Length + match.Groups.Values.Sum(g => (long)g.Length));
        var groups = new JsonArray();
        var named = new JsonObject();
        foreach (var name in names)
        {
            if (name == "0") continue;
            var group = match.Groups[name];
            if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _)) groups.Add(group.Success ? group.Value : "");
            else named[name] = group.Success ? group.Value : "";
        }
        var start = offsets.At(match.Index) + 1;
        return new JsonObject
        {
            ["match"] = match.Value,
            ["start"] = start,
            ["finish"] = start + Encoding.UTF8.GetByteCount(match.ValueSpan) - 1,
            ["groups"] = groups,
            ["named"] = named,
        };
    }

    private static int RegexReplace(HostCall call)
    {
        var text = call.String(1);
        var regex = Compile(call, 2, 4, text);
        var replacement = new RegexReplacement(regex, call.String(3));
        var budget = call.Budget();
        var output = new StringBuilder();
        var count = 0;
        var position = 0;
        foreach (var match in regex.All(text, budget))
        {
            budget.Allocate(match.Index - position + replacement.LengthFor(match, text));
            output.Append(text, position, match.Index - position);
            replacement.AppendTo(output, match, text);
            position = match.Index + match.Length;
            count++;
        }
        output.Append(text, position, text.Length - position);
        call.PushString(output.ToString());
        call.PushInteger(count);
        return 2;
    }

    private static int RegexSplit(HostCall call)
    {
        var text = call.String(1);
        var regex = Compile(call, 2, 3, text);
        var budget = call.Budget();
        return PushList(call.Sandbox, call.L, SplitPieces(regex, text, budget));
    }

    /// <summary>What <c>Regex.Split</c> returns (captured groups included), one piece at a time.</summary>
    private static IEnumerable<string> SplitPieces(SandboxRegex regex, string text, HostBudget budget)
    {
        var position = 0;
        foreach (var match in regex.All(text, budget))
        {
            yield return text[position..match.Index];
            position = match.Index + match.Length;
            for (var group = 1; group < match.Groups.Count; group++)
            {
                if (match.Groups[group].Success) yield return match.Groups[group].Value;
            }
        }
        yield return text[position..];
    }

    /// <summary>
    /// UTF-8 byte offsets of increasing UTF-16 indexes, counted from the previous one: counting from the
    /// start of the text for every match would be quadratic.
    /// </summary>
    private sealed class ByteOffsets(string text)
    {
        private int _index;
        private long _bytes;

        public long At(int index)
        {
            if (index < _index) (_index, _bytes) = (0, 0);
            // Never stop between the two halves of a surrogate pair: the pair counts as one character.
            var stop = index > 0 && index < text.Length && char.IsHighSurrogate(text[index - 1]) && char.IsLowSurrogate(text[index]) ? index - 1 : index;
            _bytes += Encoding.UTF8.GetByteCount(text.AsSpan(_index, stop - _index));
            _index = stop;
            return _bytes + Encoding.UTF8.GetByteCount(text.AsSpan(stop, index - stop));
        }
    }
}
