using System.Diagnostics;
using System.Globalization;
using System.Text;
using MicroAgi.Lua.Native;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary>
/// <c>time</c>: the current time, time zones, formatting and parsing (docs/lua/modules/time.md).
/// A time is a plain table of fields (<c>unix</c>, <c>ms</c>, <c>year</c>, … <c>zone</c>) with methods;
/// only <c>unix</c>, <c>ms</c> and <c>zone</c> are read back, so it converts to JSON cleanly.
/// </summary>
internal static class TimeModule
{
    private const string MetatableKey = "time.metatable";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    /// <summary>The longest input quoted whole in an error message.</summary>
    private const int MaxQuoted = 80;
    /// <summary>Longer than any IANA zone name.</summary>
    private const int MaxZoneNameLength = 64;
    /// <summary>Longer than any date and time written out; .NET's free-form parser is not run on more.</summary>
    private const int MaxFreeFormLength = 256;

    private static readonly HostFunction FormatMethod = new("time:format", FormatTime);
    private static readonly HostFunction IsoMethod = new("time:iso", call => call.PushString(Iso(ReadTime(call, 1))));
    private static readonly HostFunction UtcMethod = new("time:utc", call => PushTime(call, ReadTime(call, 1).Instant, TimeZoneInfo.Utc));
    private static readonly HostFunction InZoneMethod = new("time:in_zone", InZone);
    private static readonly HostFunction AddMethod = new("time:add", Add);
    private static readonly HostFunction DiffMethod = new("time:diff", Diff);
    private static readonly HostFunction UnixMsMethod = new("time:unix_ms", call => call.PushInteger(ReadTime(call, 1).Instant.ToUnixTimeMilliseconds()));
    private static readonly HostFunction EqualsMethod = new("time.__eq", call => call.PushBoolean(ReadTime(call, 1).Instant == ReadTime(call, 2).Instant));
    private static readonly HostFunction LessMethod = new("time.__lt", call => call.PushBoolean(ReadTime(call, 1).Instant < ReadTime(call, 2).Instant));
    private static readonly HostFunction LessOrEqualMethod = new("time.__le", call => call.PushBoolean(ReadTime(call, 1).Instant <= ReadTime(call, 2).Instant));

    private static readonly (string Name, HostFunction Function)[] Methods =
    [
        ("format", FormatMethod), ("iso", IsoMethod), ("utc", UtcMethod), ("in_zone", InZoneMethod),
        ("add", AddMethod), ("diff", DiffMethod), ("unix_ms", UnixMsMethod),
    ];

    public static HostModule Module { get; } = new("time",
    [
        ("now", Now),
        ("unix", FromUnix),
        ("parse", Parse),
        ("format", FormatFunction),
        ("since", Since),
        ("sleep", Sleep),
        ("clock", call => call.PushNumber(Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency)),
    ],
    [
        ("RFC3339", "%Y-%m-%dT%H:%M:%S%:z"),
        ("RFC1123", "%a, %d %b %Y %H:%M:%S GMT"),
        ("DATE", "%Y-%m-%d"),
        ("DATETIME", "%Y-%m-%d %H:%M:%S"),
    ],
    Methods.Select(m => m.Function).Concat([EqualsMethod, LessMethod, LessOrEqualMethod]));

    // ------------------------------------------------------------------ module functions

    private static int Now(HostCall call)
    {
        var zone = call.IsNoneOrNil(1) ? TimeZoneInfo.Utc : FindZone(call.String(1));
        return zone is null ? call.Fail($"time.now: unknown time zone '{Quote(call.String(1))}'") : PushTime(call, DateTimeOffset.UtcNow, zone);
    }

    private static int FromUnix(HostCall call)
    {
        var seconds = call.Number(1);
        var instant = Instant(seconds * 1000);
        if (instant is null) return call.Fail($"time.unix: seconds out of range (use {MinUnixSeconds} to {MaxUnixSeconds})");
        var zone = call.IsNoneOrNil(2) ? TimeZoneInfo.Utc : FindZone(call.String(2));
        if (zone is null) return call.Fail($"time.unix: unknown time zone '{Quote(call.String(2))}'");
        return PushTime(call, instant.Value, zone);
    }

    private static int Parse(HostCall call)
    {
        var text = call.String(1);
        var layout = call.OptionalString(2);
        var zone = call.IsNoneOrNil(3) ? TimeZoneInfo.Utc : FindZone(call.String(3));
        if (zone is null) return call.Fail($"time.parse: unknown time zone '{Quote(call.String(3))}'");
        if (layout is null)
        {
            var trimmed = text.Trim();
            if (trimmed.Length <= MaxFreeFormLength && DateTimeOffset.TryParse(trimmed, Invariant, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
                return PushTime(call, parsed, zone);
            return call.Fail($"time.parse: cannot read '{Quote(text)}' as a date and time (give a layout such as \"%d/%m/%Y\")");
        }
        // Reading a long text and layout took a while: the deadline may have passed before the first step.
        var budget = call.Budget();
        budget.CheckDeadline();
        var (instant, error) = LayoutParser.Parse(text, layout, zone, budget);
        return error is null ? PushTime(call, instant, zone) : call.Fail("time.parse: " + error);
    }

    private static int FormatFunction(HostCall call)
    {
        var time = ReadTime(call, 1);
        var layout = call.OptionalString(2);
        return layout is null ? call.PushString(Iso(time)) : FormatWith(call, time, layout);
    }

    private static int Since(HostCall call)
    {
        var time = ReadTime(call, 1);
        return call.PushNumber((DateTimeOffset.UtcNow - time.Instant).TotalSeconds);
    }

    private static int Sleep(HostCall call)
    {
        var seconds = call.Number(1);
        if (!double.IsFinite(seconds) || seconds < 0) return call.Fail("time.sleep: seconds must be a non-negative number");
        var wanted = TimeSpan.FromSeconds(seconds);
        var remaining = call.Sandbox.Remaining;
        if (wanted >= remaining) return call.Fail($"time.sleep: {seconds} s would pass the call's deadline ({remaining.TotalSeconds:0.###} s left)");
        var cancelled = call.Sandbox.Call?.CancellationToken.WaitHandle.WaitOne(wanted) ?? false;
        return cancelled ? call.Fail("time.sleep: cancelled") : call.PushBoolean(true);
    }

    // ------------------------------------------------------------------ methods

    private static int FormatTime(HostCall call) => FormatWith(call, ReadTime(call, 1), call.String(2));

    private static int FormatWith(HostCall call, ZonedTime time, string layout)
    {
        var (text, error) = LayoutFormatter.Format(time, layout, call.Budget());
        return error is null ? call.PushString(text!) : call.Fail($"{call.Name}: {error}");
    }

    private static int InZone(HostCall call)
    {
        var time = ReadTime(call, 1);
        var name = call.String(2);
        var zone = FindZone(name);
        return zone is null ? call.Fail($"time:in_zone: unknown time zone '{Quote(name)}' (use an IANA name such as \"Europe/Paris\", or \"UTC\" or \"local\")") : PushTime(call, time.Instant, zone);
    }

    private static int Add(HostCall call)
    {
        var time = ReadTime(call, 1);
        var seconds = call.Number(2);
        try
        {
            return PushTime(call, time.Instant.AddMilliseconds(Math.Round(seconds * 1000)), time.Zone);
        }
        catch (ArgumentOutOfRangeException)
        {
            return call.Fail("time:add: the result is out of range");
        }
    }

    private static int Diff(HostCall call) => call.PushNumber((ReadTime(call, 1).Instant - ReadTime(call, 2).Instant).TotalSeconds);

    // ------------------------------------------------------------------ conversion

    internal readonly record struct ZonedTime(DateTimeOffset Instant, TimeZoneInfo Zone)
    {
        public DateTimeOffset Local => TimeZoneInfo.ConvertTime(Instant, Zone);

        public string ZoneName => Zone == TimeZoneInfo.Utc ? "UTC" : Zone.Id;
    }

    /// <summary>A time argument: a time table (its unix, ms and zone fields) or a number of Unix seconds.</summary>
    private static ZonedTime ReadTime(HostCall call, int argument)
    {
        switch (call.TypeOf(argument))
        {
            case LuaNative.LUA_TNUMBER:
                var seconds = call.Number(argument);
                return new(Instant(seconds * 1000) ?? throw new LuaArgumentException(argument, $"seconds out of range (use {MinUnixSeconds} to {MaxUnixSeconds})"), TimeZoneInfo.Utc);
            case LuaNative.LUA_TTABLE:
                var unix = call.Field(argument, "unix").AsNumber() ?? throw new LuaArgumentException(argument, "time expected, got a table without 'unix'");
                var ms = call.Field(argument, "ms").AsNumber() ?? 0;
                var zoneName = call.Field(argument, "zone").AsString();
                var zone = zoneName is null ? TimeZoneInfo.Utc : FindZone(zoneName) ?? throw new LuaArgumentException(argument, $"unknown time zone '{Quote(zoneName)}'");
                var instant = Instant(Math.Floor(unix) * 1000 + Math.Truncate(ms))
                    ?? throw new LuaArgumentException(argument, $"the time is out of range (unix must be from {MinUnixSeconds} to {MaxUnixSeconds})");
                return new(instant, zone);
            default:
                throw call.Expected(argument, "time");
        }
    }

    private const long MinUnixSeconds = -62135596800;   // 0001-01-01T00:00:00Z
    private const long MaxUnixSeconds = 253402300799;   // 9999-12-31T23:59:59Z

    /// <summary>
    /// The instant <paramref name="unixMilliseconds"/> after the epoch, or null outside what a time can
    /// hold. Checked here because DateTimeOffset's own refusal is a .NET message ("Valid values are
    /// between … (Parameter 'milliseconds')"), and before the cast, which saturates NaN and 1e300 into
    /// valid-looking numbers; years 1 to 9999 (the old check allowed 1e11 seconds before 1970).
    /// </summary>
    private static DateTimeOffset? Instant(double unixMilliseconds)
    {
        var floor = Math.Floor(unixMilliseconds);
        if (!(floor >= MinUnixSeconds * 1000.0 && floor <= MaxUnixSeconds * 1000.0 + 999)) return null;
        return DateTimeOffset.FromUnixTimeMilliseconds((long)floor);
    }

    private static int PushTime(HostCall call, DateTimeOffset instant, TimeZoneInfo zone)
    {
        var L = call.L;
        var time = new ZonedTime(instant, zone);
        var local = time.Local;
        var unixMs = instant.ToUnixTimeMilliseconds();
        LuaNative.lua_createtable(L, 0, 14);
        SetInteger(L, "unix", Math.DivRem(unixMs, 1000, out var ms) - (ms < 0 ? 1 : 0));
        SetInteger(L, "ms", ms < 0 ? ms + 1000 : ms);
        SetInteger(L, "year", local.Year);
        SetInteger(L, "month", local.Month);
        SetInteger(L, "day", local.Day);
        SetInteger(L, "hour", local.Hour);
        SetInteger(L, "min", local.Minute);
        SetInteger(L, "sec", local.Second);
        SetInteger(L, "wday", (int)local.DayOfWeek + 1);
        SetInteger(L, "yday", local.DayOfYear);
        SetString(L, "weekday", local.DayOfWeek.ToString());
        SetInteger(L, "offset", (long)local.Offset.TotalSeconds);
        SetString(L, "zone", time.ZoneName);
        call.Sandbox.PushShared(L, MetatableKey, BuildMetatable);
        LuaNative.lua_setmetatable(L, -2);
        return 1;
    }

    private static void BuildMetatable(nint L)
    {
        LuaNative.lua_createtable(L, 0, 6);
        LuaStack.PushString(L, "__index");
        LuaNative.lua_createtable(L, 0, Methods.Length);
        foreach (var (name, function) in Methods)
        {
            LuaStack.PushString(L, name);
            HostDispatch.Push(L, function);
            LuaNative.lua_rawset(L, -3);
        }
        LuaNative.lua_rawset(L, -3);
        foreach (var (name, function) in new[] { ("__tostring", IsoMethod), ("__eq", EqualsMethod), ("__lt", LessMethod), ("__le", LessOrEqualMethod) })
        {
            LuaStack.PushString(L, name);
            HostDispatch.Push(L, function);
            LuaNative.lua_rawset(L, -3);
        }
        // Shared by every time of the state: user code may not reach it (or change it for later calls).
        LuaStack.PushString(L, "__metatable");
        LuaNative.lua_pushboolean(L, 0);
        LuaNative.lua_rawset(L, -3);
    }

    private static void SetInteger(nint L, string key, long value)
    {
        LuaStack.PushString(L, key);
        LuaNative.lua_pushinteger(L, value);
        LuaNative.lua_rawset(L, -3);
    }

    private static void SetString(nint L, string key, string value)
    {
        LuaStack.PushString(L, key);
        LuaStack.PushString(L, value);
        LuaNative.lua_rawset(L, -3);
    }

    /// <summary>RFC 3339 with seconds: <c>2026-11-03T14:05:09Z</c>, or with the zone's offset.</summary>
    internal static string Iso(ZonedTime time)
    {
        var local = time.Local;
        var stamp = local.ToString("yyyy-MM-dd'T'HH:mm:ss", Invariant);
        return local.Offset == TimeSpan.Zero ? stamp + "Z" : stamp + local.ToString("zzz", Invariant);
    }

    internal static TimeZoneInfo? FindZone(string name)
    {
        if (name.Equals("UTC", StringComparison.OrdinalIgnoreCase) || name.Equals("Z", StringComparison.Ordinal) || name.Equals("GMT", StringComparison.OrdinalIgnoreCase))
            return TimeZoneInfo.Utc;
        if (name.Equals("local", StringComparison.OrdinalIgnoreCase)) return TimeZoneInfo.Local;
        // IANA names are short; a long one would only make the lookup read the file system with it.
        if (name.Length > MaxZoneNameLength) return null;
        return TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone : null;
    }

    /// <summary>Text quoted in a message: the start of a long text, marked as cut (a message repeated a whole 10 MB input).</summary>
    /// Takes a span so that quoting the rest of a long text never copies all of it first.
    private static string Quote(ReadOnlySpan<char> text) => text.Length <= MaxQuoted ? text.ToString() : $"{text[..MaxQuoted]}… ({text.Length - MaxQuoted} more characters)";

    internal static string FormatOffset(TimeSpan offset, bool colon)
    {
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var absolute = offset.Duration();
        return colon ? $"{sign}{absolute.Hours:00}:{absolute.Minutes:00}" : $"{sign}{absolute.Hours:00}{absolute.Minutes:00}";
    }

    /// <summary>The strftime-style layouts of time.format (the directive table is in docs/lua/modules/time.md).</summary>
    internal static class LayoutFormatter
    {
        /// <summary>A directive writes up to a zone name for two characters of layout: the output is paid for as it grows.</summary>
        public static (string? Text, string? Error) Format(ZonedTime time, string layout, HostBudget budget)
        {
            var local = time.Local;
            var output = new StringBuilder(layout.Length + 16);
            for (var i = 0; i < layout.Length; i++)
            {
                budget.Allocate(1);
                if (layout[i] != '%')
                {
                    output.Append(layout[i]);
                    continue;
                }
                if (++i >= layout.Length) return (null, "the layout ends with a lone '%' (write '%%' for a percent sign)");
                var directive = layout[i];
                if (directive == ':' && i + 1 < layout.Length && layout[i + 1] == 'z')
                {
                    i++;
                    output.Append(FormatOffset(local.Offset, colon: true));
                    continue;
                }
                var piece = Directive(directive, local, time);
                if (piece is null) return (null, $"unknown layout directive '%{directive}'");
                budget.Allocate(piece.Length);
                output.Append(piece);
            }
            return (output.ToString(), null);
        }

        private static string? Directive(char directive, DateTimeOffset local, ZonedTime time) => directive switch
        {
            'Y' => local.Year.ToString("0000", Invariant),
            'y' => (local.Year % 100).ToString("00", Invariant),
            'm' => local.Month.ToString("00", Invariant),
            'd' => local.Day.ToString("00", Invariant),
            'e' => local.Day.ToString(Invariant).PadLeft(2),
            'H' => local.Hour.ToString("00", Invariant),
            'I' => ((local.Hour + 11) % 12 + 1).ToString("00", Invariant),
            'M' => local.Minute.ToString("00", Invariant),
            'S' => local.Second.ToString("00", Invariant),
            'L' => local.Millisecond.ToString("000", Invariant),
            'p' => local.Hour < 12 ? "AM" : "PM",
            'b' => local.ToString("MMM", Invariant),
            'B' => local.ToString("MMMM", Invariant),
            'a' => local.ToString("ddd", Invariant),
            'A' => local.ToString("dddd", Invariant),
            'j' => local.DayOfYear.ToString("000", Invariant),
            'u' => (local.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)local.DayOfWeek).ToString(Invariant),
            'w' => ((int)local.DayOfWeek).ToString(Invariant),
            'z' => FormatOffset(local.Offset, colon: false),
            'Z' => time.ZoneName,
            's' => time.Instant.ToUnixTimeSeconds().ToString(Invariant),
            'F' => local.ToString("yyyy-MM-dd", Invariant),
            'T' => local.ToString("HH:mm:ss", Invariant),
            '%' => "%",
            _ => null,
        };
    }

    /// <summary>Reads text written in a strftime-style layout (the same directives as formatting).</summary>
    internal static class LayoutParser
    {
        private static readonly (string Word, int Index)[] MonthNames = LongestFirst(CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[..12]);
        private static readonly (string Word, int Index)[] MonthAbbreviations = LongestFirst(CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames[..12]);
        private static readonly (string Word, int Index)[] DayNames = LongestFirst(CultureInfo.InvariantCulture.DateTimeFormat.DayNames);
        private static readonly (string Word, int Index)[] Halves = [("AM", 0), ("PM", 1)];
        private static readonly (string Word, int Index)[] DayAbbreviations = LongestFirst(CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedDayNames);

        /// <summary>Longest first, so "March" is not read as "Mar"; sorted once, not per directive.</summary>
        private static (string Word, int Index)[] LongestFirst(string[] words) =>
            [.. words.Select((w, i) => (w, i)).OrderByDescending(x => x.w.Length)];

        public static (DateTimeOffset Instant, string? Error) Parse(string text, string layout, TimeZoneInfo defaultZone, HostBudget budget)
        {
            int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, millisecond = 0, dayOfYear = 0;
            bool pm = false, twelveHour = false;
            TimeSpan? offset = null;
            TimeZoneInfo zone = defaultZone;
            long? unix = null;
            var t = 0;
            for (var i = 0; i < layout.Length; i++)
            {
                // A layout can be as long as the memory cap allows: walk it within the deadline.
                budget.Step();
                var c = layout[i];
                if (c != '%')
                {
                    if (t >= text.Length || text[t] != c) return (default, Mismatch(text, t, $"'{c}'"));
                    t++;
                    continue;
                }
                if (++i >= layout.Length) return (default, "the layout ends with a lone '%'");
                var directive = layout[i];
                if (directive == ':' && i + 1 < layout.Length && layout[i + 1] == 'z')
                {
                    i++;
                    directive = 'z';
                }
                switch (directive)
                {
                    case 'Y': if (!Number(text, ref t, 4, 4, out year)) return (default, Mismatch(text, t, "a 4-digit year")); break;
                    case 'y':
                        if (!Number(text, ref t, 2, 2, out var shortYear)) return (default, Mismatch(text, t, "a 2-digit year"));
                        year = shortYear < 69 ? 2000 + shortYear : 1900 + shortYear;
                        break;
                    case 'm': if (!Number(text, ref t, 1, 2, out month)) return (default, Mismatch(text, t, "a month number")); break;
                    case 'd': if (!Number(text, ref t, 1, 2, out day)) return (default, Mismatch(text, t, "a day of the month")); break;
                    case 'e':
                        while (t < text.Length && text[t] == ' ') t++;
                        if (!Number(text, ref t, 1, 2, out day)) return (default, Mismatch(text, t, "a day of the month"));
                        break;
                    case 'H': if (!Number(text, ref t, 1, 2, out hour)) return (default, Mismatch(text, t, "an hour")); break;
                    case 'I':
                        if (!Number(text, ref t, 1, 2, out hour)) return (default, Mismatch(text, t, "an hour (1-12)"));
                        twelveHour = true;
                        break;
                    case 'M': if (!Number(text, ref t, 1, 2, out minute)) return (default, Mismatch(text, t, "minutes")); break;
                    case 'S': if (!Number(text, ref t, 1, 2, out second)) return (default, Mismatch(text, t, "seconds")); break;
                    case 'L': if (!Number(text, ref t, 3, 3, out millisecond)) return (default, Mismatch(text, t, "3-digit milliseconds")); break;
                    case 'j': if (!Number(text, ref t, 1, 3, out dayOfYear)) return (default, Mismatch(text, t, "a day of the year")); break;
                    case 'p':
                        if (Word(text, ref t, Halves, out var half)) pm = half == 1;
                        else return (default, Mismatch(text, t, "AM or PM"));
                        twelveHour = true;
                        break;
                    case 'b':
                    case 'B':
                        if (Word(text, ref t, MonthNames, out var fullMonth)) month = fullMonth + 1;
                        else if (Word(text, ref t, MonthAbbreviations, out var shortMonth)) month = shortMonth + 1;
                        else return (default, Mismatch(text, t, "a month name"));
                        break;
                    case 'a':
                    case 'A':
                        if (!Word(text, ref t, DayNames, out _) && !Word(text, ref t, DayAbbreviations, out _))
                            return (default, Mismatch(text, t, "a weekday name"));
                        break;
                    case 'z':
                        if (!Offset(text, ref t, out var parsedOffset)) return (default, Mismatch(text, t, "an offset such as +0200, +02:00 or Z"));
                        offset = parsedOffset;
                        break;
                    case 'Z':
                        var start = t;
                        while (t < text.Length && (char.IsAsciiLetterOrDigit(text[t]) || text[t] is '/' or '_' or '-' or '+')) t++;
                        var found = t - start > MaxZoneNameLength ? null : FindZone(text[start..t]);
                        if (found is null) return (default, $"unknown time zone '{Quote(text.AsSpan(start, t - start))}'");
                        zone = found;
                        break;
                    case 's':
                        var negative = t < text.Length && text[t] == '-';
                        if (negative) t++;
                        if (!Number(text, ref t, 1, 12, out var seconds)) return (default, Mismatch(text, t, "Unix seconds"));
                        unix = negative ? -seconds : seconds;
                        break;
                    case 'F':
                        if (!Number(text, ref t, 4, 4, out year) || !Literal(text, ref t, '-') || !Number(text, ref t, 1, 2, out month) || !Literal(text, ref t, '-') || !Number(text, ref t, 1, 2, out day))
                            return (default, Mismatch(text, t, "a date YYYY-MM-DD"));
                        break;
                    case 'T':
                        if (!Number(text, ref t, 1, 2, out hour) || !Literal(text, ref t, ':') || !Number(text, ref t, 1, 2, out minute) || !Literal(text, ref t, ':') || !Number(text, ref t, 1, 2, out second))
                            return (default, Mismatch(text, t, "a time HH:MM:SS"));
                        break;
                    case '%':
                        if (!Literal(text, ref t, '%')) return (default, Mismatch(text, t, "'%'"));
                        break;
                    default:
                        return (default, $"unknown layout directive '%{directive}'");
                }
            }
            if (t != text.Length) return (default, $"unexpected text '{Quote(text.AsSpan(t))}' after the layout was matched");
            if (unix is { } unixSeconds) return (DateTimeOffset.FromUnixTimeSeconds(unixSeconds), null);
            if (twelveHour)
            {
                if (hour is < 1 or > 12) return (default, $"hour {hour} is not valid with %I/%p (1-12)");
                hour = hour % 12 + (pm ? 12 : 0);
            }
            try
            {
                var local = dayOfYear > 0
                    ? new DateTime(year, 1, 1, hour, minute, second, millisecond, DateTimeKind.Unspecified).AddDays(dayOfYear - 1)
                    : new DateTime(year, month, day, hour, minute, second, millisecond, DateTimeKind.Unspecified);
                var effective = offset ?? zone.GetUtcOffset(local);
                return (new DateTimeOffset(local, effective), null);
            }
            catch (ArgumentException e)
            {
                return (default, $"not a valid date and time ({e.Message.Split('(')[0].Trim()})");
            }
        }

        private static string Mismatch(string text, int position, string expected) =>
            position >= text.Length ? $"expected {expected} at the end of '{Quote(text)}'" : $"expected {expected} at position {position + 1} of '{Quote(text)}'";

        private static bool Number(string text, ref int position, int minDigits, int maxDigits, out int value)
        {
            value = 0;
            var start = position;
            while (position < text.Length && position - start < maxDigits && char.IsAsciiDigit(text[position]))
                value = value * 10 + (text[position++] - '0');
            return position - start >= minDigits;
        }

        private static bool Literal(string text, ref int position, char expected)
        {
            if (position >= text.Length || text[position] != expected) return false;
            position++;
            return true;
        }

        private static bool Word(string text, ref int position, (string Word, int Index)[] words, out int index)
        {
            foreach (var (word, i) in words)
            {
                if (word.Length > 0 && string.Compare(text, position, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    position += word.Length;
                    index = i;
                    return true;
                }
            }
            index = -1;
            return false;
        }

        private static bool Offset(string text, ref int position, out TimeSpan offset)
        {
            offset = TimeSpan.Zero;
            if (position < text.Length && text[position] == 'Z')
            {
                position++;
                return true;
            }
            if (position >= text.Length || text[position] is not ('+' or '-')) return false;
            var sign = text[position++] == '-' ? -1 : 1;
            if (!Number(text, ref position, 2, 2, out var hours)) return false;
            if (position < text.Length && text[position] == ':') position++;
            if (!Number(text, ref position, 2, 2, out var minutes)) return false;
            offset = sign * new TimeSpan(hours, minutes, 0);
            return true;
        }
    }
}
