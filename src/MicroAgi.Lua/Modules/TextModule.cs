using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAgi.Lua.Native;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary>
/// <c>text</c>: Unicode-aware string helpers and regular expressions (.NET syntax) that cannot run
/// past the call's deadline (docs/lua/modules/text.md).
/// </summary>
internal static class TextModule
{
    private const int MaxMatches = 100_000;

    public static HostModule Module { get; } = new("text",
    [
        ("split", Split),
        ("trim", call => Trim(call, TrimSide.Both)),
        ("trim_left", call => Trim(call, TrimSide.Left)),
        ("trim_right", call => Trim(call, TrimSide.Right)),
        ("starts_with", call => call.PushBoolean(call.String(1).StartsWith(call.String(2), StringComparison.Ordinal))),
        ("ends_with", call => call.PushBoolean(call.String(1).EndsWith(call.String(2), StringComparison.Ordinal))),
        ("contains", call => call.PushBoolean(call.String(1).Contains(call.String(2), StringComparison.Ordinal))),
        ("replace", Replace),
        ("lower", call => call.PushString(call.String(1).ToLowerInvariant())),
        ("upper", call => call.PushString(call.String(1).ToUpperInvariant())),
        ("len", call => call.PushInteger(call.String(1).EnumerateRunes().Count())),
        ("sub", Sub),
        ("pad_left", call => Pad(call, left: true)),
        ("pad_right", call => Pad(call, left: false)),
        ("lines", call => PushList(call, Lines(call.String(1)))),
        ("truncate", Truncate),
        ("is_match", IsMatch),
        ("match", Match),
        ("match_all", MatchAll),
        ("regex_replace", RegexReplace),
        ("regex_split", RegexSplit),
        ("regex_escape", call => call.PushString(Regex.Escape(call.String(1)))),
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
        string[] parts;
        if (separator.Length == 0)
            parts = text.EnumerateRunes().Select(r => r.ToString()).ToArray();
        else if (limit > 0)
            parts = text.Split(separator, (int)Math.Min(limit, int.MaxValue), StringSplitOptions.None);
        else
            parts = text.Split(separator, StringSplitOptions.None);
        return PushList(call, parts);
    }

    private static int Trim(HostCall call, TrimSide side)
    {
        var text = call.String(1);
        var characters = call.OptionalString(2);
        var set = characters?.ToCharArray();
        return call.PushString(side switch
        {
            TrimSide.Left => set is null ? text.TrimStart() : text.TrimStart(set),
            TrimSide.Right => set is null ? text.TrimEnd() : text.TrimEnd(set),
            _ => set is null ? text.Trim() : text.Trim(set),
        });
    }

    private static int Replace(HostCall call)
    {
        var text = call.String(1);
        var old = call.String(2);
        var replacement = call.String(3);
        var max = call.OptionalInteger(4, long.MaxValue);
        if (old.Length == 0) return call.Fail("text.replace: the text to replace must not be empty");
        var output = new StringBuilder(text.Length);
        long count = 0;
        var position = 0;
        while (count < max)
        {
            var found = text.IndexOf(old, position, StringComparison.Ordinal);
            if (found < 0) break;
            output.Append(text, position, found - position).Append(replacement);
            position = found + old.Length;
            count++;
            if (output.Length > 4 * 1024 * 1024) call.Sandbox.EnsureRoom(output.Length);
        }
        output.Append(text, position, text.Length - position);
        call.PushString(output.ToString());
        call.PushInteger(count);
        return 2;
    }

    private static int Sub(HostCall call)
    {
        var runes = call.String(1).EnumerateRunes().ToArray();
        var length = runes.Length;
        long Position(long p) => p < 0 ? Math.Max(length + p + 1, 1) : p;
        var start = Math.Max(Position(call.OptionalInteger(2, 1)), 1);
        var end = Math.Min(Position(call.OptionalInteger(3, -1)), length);
        if (start > end) return call.PushString("");
        return call.PushString(string.Concat(runes[(int)(start - 1)..(int)end].Select(r => r.ToString())));
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
        var runes = text.EnumerateRunes().ToArray();
        if (runes.Length <= max) return call.PushString(text);
        var suffixLength = suffix.EnumerateRunes().Count();
        var keep = (int)Math.Max(0, max - suffixLength);
        return call.PushString(string.Concat(runes[..keep].Select(r => r.ToString())) + (max >= suffixLength ? suffix : ""));
    }

    private static int PushList(HostCall call, IEnumerable<string> items)
    {
        var L = call.L;
        LuaNative.lua_createtable(L, 0, 0);
        long index = 0;
        foreach (var item in items)
        {
            LuaStack.PushString(L, item);
            LuaNative.lua_rawseti(L, -2, ++index);
            if (index % 4096 == 0) call.Sandbox.EnsureRoom(0);
        }
        if (index == 0) call.Sandbox.MarkShape(-1, TableShape.Array);
        return 1;
    }

    // ------------------------------------------------------------------ regular expressions

    /// <summary>A regex whose matching stops at the call's deadline (a catastrophic pattern cannot hang the call).</summary>
    private static Regex Compile(HostCall call, int patternArgument, int flagsArgument)
    {
        var pattern = call.String(patternArgument);
        var options = RegexOptions.CultureInvariant;
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
        var remaining = call.Sandbox.Remaining;
        if (remaining <= TimeSpan.Zero) throw new LuaLimitException(LimitKind.Timeout, "timeout");
        try
        {
            return new Regex(pattern, options, remaining);
        }
        catch (ArgumentException e) when (e is not ArgumentOutOfRangeException)
        {
            throw new LuaArgumentException(patternArgument, $"invalid regular expression: {e.Message}");
        }
    }

    private static T Guarded<T>(HostCall call, Func<T> match)
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

    private static int IsMatch(HostCall call)
    {
        var text = call.String(1);
        var regex = Compile(call, 2, 3);
        return call.PushBoolean(Guarded(call, () => regex.IsMatch(text)));
    }

    private static int Match(HostCall call)
    {
        var text = call.String(1);
        var regex = Compile(call, 2, 3);
        var match = Guarded(call, () => regex.Match(text));
        return match.Success ? call.PushJson(Describe(regex, match, text)) : call.PushNil();
    }

    private static int MatchAll(HostCall call)
    {
        var text = call.String(1);
        var regex = Compile(call, 2, 3);
        var all = new JsonArray();
        Guarded(call, () =>
        {
            for (var match = regex.Match(text); match.Success; match = match.NextMatch())
            {
                if (all.Count >= MaxMatches) throw new InvalidOperationException($"more than {MaxMatches} matches");
                all.Add(Describe(regex, match, text));
            }
            return 0;
        });
        if (all.Count == 0)
        {
            LuaNative.lua_createtable(call.L, 0, 0);
            call.Sandbox.MarkShape(-1, TableShape.Array);
            return 1;
        }
        return call.PushJson(all);
    }

    /// <summary>{match, start, finish (byte positions as string.sub uses), groups (numbered), named}.</summary>
    private static JsonObject Describe(Regex regex, Match match, string text)
    {
        var groups = new JsonArray();
        var named = new JsonObject();
        foreach (var name in regex.GetGroupNames())
        {
            if (name == "0") continue;
            var group = match.Groups[name];
            if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _)) groups.Add(group.Success ? group.Value : "");
            else named[name] = group.Success ? group.Value : "";
        }
        var start = Encoding.UTF8.GetByteCount(text.AsSpan(0, match.Index)) + 1;
        return new JsonObject
        {
            ["match"] = match.Value,
            ["start"] = start,
            ["finish"] = start + Encoding.UTF8.GetByteCount(match.Value) - 1,
            ["groups"] = groups,
            ["named"] = named,
        };
    }

    private static int RegexReplace(HostCall call)
    {
        var text = call.String(1);
        var regex = Compile(call, 2, 4);
        var replacement = call.String(3);
        var count = 0;
        var result = Guarded(call, () => regex.Replace(text, match =>
        {
            count++;
            return match.Result(replacement);
        }));
        call.PushString(result);
        call.PushInteger(count);
        return 2;
    }

    private static int RegexSplit(HostCall call)
    {
        var text = call.String(1);
        var regex = Compile(call, 2, 3);
        return PushList(call, Guarded(call, () => regex.Split(text)));
    }
}
