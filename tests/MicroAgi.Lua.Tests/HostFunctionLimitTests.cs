using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Lua.Modules;
using MicroAgi.Registry;

namespace MicroAgi.Lua.Tests;

/// <summary>
/// Host functions work inside their call's deadline and memory cap, whatever their input (issue 8):
/// each case was a hole — a call running many times its deadline, or building hundreds of megabytes
/// of managed memory no budget saw. Bounds are generous constants (a loaded 2-core machine must pass
/// them); what they catch is the order of magnitude of the old behaviour.
/// </summary>
public sealed class HostFunctionLimitTests : IDisposable
{
    /// <summary>Well past a 200 ms deadline, far below the old minutes.</summary>
    private static readonly TimeSpan StoppedWithin = TimeSpan.FromSeconds(15);

    /// <summary>For work that is linear now and took minutes before: generous for a loaded machine.</summary>
    private static readonly TimeSpan LinearWithin = TimeSpan.FromSeconds(60);

    /// <summary>The 1 s deadline plus room for a loaded machine, and well below the old behaviour's ten seconds or more.</summary>
    private static readonly TimeSpan RegexStoppedWithin = TimeSpan.FromSeconds(5);

    /// <summary>Managed memory a call may allocate in total (garbage included): a small multiple of the 16 MiB cap.</summary>
    private static readonly long ManagedBound = 8 * LuaTestHost.SmallLimits.MemoryBytes;

    private readonly LuaTestHost _short = new(LuaTestHost.ShortDeadline);
    private readonly LuaTestHost _patient = new(LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromSeconds(120) });

    public void Dispose()
    {
        _short.Dispose();
        _patient.Dispose();
    }

    /// <summary>Runs <paramref name="body"/> and measures its time and its managed allocations.</summary>
    private static (FunctionResult Result, TimeSpan Elapsed, long Allocated) Measure(LuaTestHost host, string body, JsonNode? input = null)
    {
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var result = host.Handler(body, input);
        clock.Stop();
        return (result, clock.Elapsed, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
    }

    /// <summary>
    /// The call ended with <paramref name="expected"/>: a timeout within a generous constant of its
    /// 200 ms deadline; any other limit (told apart from a hang by its outcome, whatever the machine's
    /// load) within a small multiple of the memory cap.
    /// </summary>
    private static void AssertStopped(FunctionErrorKind expected, (FunctionResult Result, TimeSpan Elapsed, long Allocated) run)
    {
        Assert.True(expected == run.Result.ErrorKind, $"expected {expected}, got {run.Result}");
        if (expected == FunctionErrorKind.Timeout) Assert.True(run.Elapsed < StoppedWithin, $"took {run.Elapsed}");
        else Assert.True(run.Allocated < ManagedBound, $"allocated {run.Allocated >> 20} MiB of managed memory");
    }

    // ------------------------------------------------------------------ text

    /// <summary>string.Trim(char[]) scans the set for every character: 43 s for 400 KB of each.</summary>
    [Theory]
    [InlineData("trim")]
    [InlineData("trim_left")]
    [InlineData("trim_right")]
    public void Trimming_with_a_large_character_set_takes_linear_time(string function)
    {
        var run = Measure(_patient, $"return #require('text').{function}(('a'):rep(400000), ('b'):rep(400000) .. 'a')");
        Assert.True(run.Result.IsSuccess, run.Result.ToString());
        Assert.Equal("0", run.Result.ValueJson);
        Assert.True(run.Elapsed < LinearWithin, $"took {run.Elapsed}");
    }

    [Fact]
    public void Trimming_with_a_character_set_keeps_its_meaning()
    {
        Assert.Equal("""["hi","hixy","xyhi","","é"]""", _patient.Json("""
            local text = require('text')
            return { text.trim('xyhixy', 'yx'), text.trim_left('yxhixy', 'xy'), text.trim_right('xyhiyx', 'xy'), text.trim('xyyx', 'xy'), text.trim('..é..', '.') }
            """));
    }

    /// <summary>A library substring search compares the whole needle at every position whose first and last characters match.</summary>
    [Theory]
    [InlineData("return require('text').contains(t, n)")]
    [InlineData("return #require('text').split(t, n)")]
    [InlineData("return #require('text').replace(t, n, 'x')")]
    public void Searching_for_a_long_needle_stops_at_the_deadline(string call)
    {
        AssertStopped(FunctionErrorKind.Timeout, Measure(_short, $"local t, n = ('a'):rep(3000000), ('a'):rep(1000000) .. 'ba'\n{call}"));
    }

    [Fact]
    public void Searching_finds_long_and_short_needles_anywhere()
    {
        Assert.Equal("""[true,false,3,["a","b","c"],"a-b-c"]""", _patient.Json("""
            local text = require('text')
            local long = ('x'):rep(100) .. 'y'
            local hay = ('x'):rep(300000) .. long .. 'z'
            local parts = text.split('a--b--c', '--')
            return { text.contains(hay, long), text.contains(hay, long .. 'q'), #text.split(hay .. long .. 'w', long), parts, (text.replace('a--b--c', '--', '-')) }
            """));
    }

    /// <summary>
    /// The regex timeout was per match, and the deadline was checked only every 64 KB of output: a call
    /// whose matches each took a fraction of the timeout ran 8.5 s against 1 s.
    /// </summary>
    [Theory]
    [InlineData("return #text.match_all(s, '(a+)+b|Z')")]
    [InlineData("return #text.regex_replace(s, '(a+)+b|Z', '')")]
    [InlineData("return #text.regex_split(s, '(a+)+b|Z')")]
    public void Many_slow_regex_matches_end_by_the_deadline_together(string call)
    {
        // Each 'Z' is found only after an exponential search of the 18 a's before it: milliseconds on an
        // idle machine, a tenth of a second on a loaded one — far less than the 1 s deadline, so a
        // per-match timeout never fires, and the 1,000 matches together take ten seconds or more. The
        // output is a few bytes per match, so no output-size check stops it either.
        using var host = new LuaTestHost(LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromSeconds(1) });
        var run = Measure(host, $"local text = require('text')\nlocal s = (('a'):rep(18) .. 'cZ'):rep(1000)\n{call}");
        Assert.True(run.Result.ErrorKind == FunctionErrorKind.Timeout, run.Result.ToString());
        Assert.True(run.Elapsed < RegexStoppedWithin, $"took {run.Elapsed}");
    }

    /// <summary>The backtracking engine recorded a capture and stack entries per character: 800 MB for (a|b)* over 10 MB.</summary>
    [Fact]
    public void A_repeated_group_over_a_long_text_runs_in_bounded_memory()
    {
        var run = Measure(_patient, "local m = require('text').match(('ab'):rep(2000000), '(a|b)*') return { m.finish, m.groups[1] }");
        Assert.True(run.Result.IsSuccess, run.Result.ToString());
        Assert.Equal("""[4000000,"b"]""", run.Result.ValueJson);
        Assert.True(run.Allocated < ManagedBound, $"allocated {run.Allocated >> 20} MiB of managed memory");
    }

    [Fact]
    public void A_repeated_group_that_only_backtracking_can_run_is_refused_on_a_long_text()
    {
        var result = _patient.Handler("local m, err = require('text').match(('ab'):rep(2000000), '(a|b)*\\\\1') return err");
        Assert.True(result.IsSuccess, result.ToString());
        Assert.StartsWith("bad argument #2 to 'text.match' (the regular expression repeats a group, which on a text of 4000000 characters could need more memory than the call has left",
            (string?)result.Value);
        // On a short text the same pattern runs, with the backtracking engine's answer.
        Assert.Equal("""["abb","b"]""", _patient.Json("local m = require('text').match('abb', '(a|b)*\\\\1') return { m.match, m.groups[1] }"));
    }

    [Theory]
    [InlineData("(a|b)*", true)]
    [InlineData("(?:ab)+c", true)]
    [InlineData("(x){2,}", true)]
    [InlineData("(x){1,1000}", true)]
    [InlineData("(\\d{1,3}\\.){3}\\d+", false)]
    [InlineData("(\\w+)@(\\w+)\\.com", false)]
    [InlineData("[(a)]*", false)]
    [InlineData("\\(a\\)*", false)]
    [InlineData("[)]+", false)]
    public void Repeated_groups_are_recognised(string pattern, bool repeats)
    {
        Assert.Equal(repeats, RegexRepeats.RepeatsGroup(pattern));
    }

    /// <summary>Regex.Escape built the whole escaped text (as UTF-16) before anything was counted.</summary>
    [Fact]
    public void Escaping_a_long_text_for_a_regex_is_paid_for_as_it_grows()
    {
        AssertStopped(FunctionErrorKind.MemoryLimit, Measure(_patient, "return #require('text').regex_escape(('.'):rep(12000000))"));
    }

    [Fact]
    public void Regex_escape_escapes_what_dotnet_escapes()
    {
        var ascii = string.Concat(Enumerable.Range(1, 127).Select(c => (char)c)) + "é€😀";
        var result = _patient.Handler("return require('text').regex_escape(input.s)", new JsonObject { ["s"] = ascii });
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(Regex.Escape(ascii), (string?)result.Value);
    }

    // ------------------------------------------------------------------ escaping whole strings

    /// <summary>The JSON writer reserved six times a string's length (every control character is \u00XX) before writing it.</summary>
    [Theory]
    [InlineData("return #require('json').encode(('\\1'):rep(12000000))", FunctionErrorKind.MemoryLimit)]
    [InlineData("return #require('json').encode({ [('\\1'):rep(6000000)] = 1 })", FunctionErrorKind.MemoryLimit)]
    [InlineData("return #require('yaml').encode({ s = ('\\1'):rep(12000000) })", FunctionErrorKind.MemoryLimit)]
    [InlineData("return ('\\1'):rep(12000000)", FunctionErrorKind.InvalidResult)]
    [InlineData("return { ('\\1'):rep(12000000) }", FunctionErrorKind.InvalidResult)]
    public void A_long_string_is_paid_for_as_it_is_escaped(string body, FunctionErrorKind expected)
    {
        AssertStopped(expected, Measure(_patient, body));
    }

    [Fact]
    public void A_table_body_for_http_is_paid_for_as_it_is_written()
    {
        using var host = new LuaTestHost(LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromSeconds(60) }, new HttpClientOptions { AllowedNetworks = ["127.0.0.1"] });
        // The body is built before any connection is made, so no server is needed.
        AssertStopped(FunctionErrorKind.MemoryLimit, Measure(host, "return require('http_client').post('http://127.0.0.1:9/', { body = { s = ('\\1'):rep(12000000) } })"));
    }

    [Theory]
    [InlineData("return #require('base64').encode(('x'):rep(12000000))")]
    [InlineData("return #require('base64').url_encode(('x'):rep(12000000))")]
    public void Base64_checks_the_size_of_its_output_before_building_it(string body)
    {
        AssertStopped(FunctionErrorKind.MemoryLimit, Measure(_patient, body));
        Assert.Equal("""["aGk/Pz4+","aGk_Pz4-"]""", _patient.Json("local b = require('base64') return { b.encode('hi??>>'), b.url_encode('hi??>>') }"));
    }

    [Fact]
    public void A_random_string_alphabet_is_bounded()
    {
        Assert.Equal("\"crypto.random_string: the alphabet must be at most 65536 characters\"",
            _patient.Json("local s, err = require('crypto').random_string(10, ('ab'):rep(4000000)) return err"));
    }

    [Fact]
    public void Long_strings_keep_their_text_through_json()
    {
        // Longer than a write segment, with multi-byte characters and escapes across its boundaries.
        Assert.Equal("[true,true]", _patient.Json("""
            local json = require('json')
            local s = ('é\1"\\x€'):rep(20000)
            local broken = ('\255a'):rep(20000)
            return { json.decode(json.encode(s)) == s, json.decode(json.encode(broken)) == ('\u{FFFD}a'):rep(20000) }
            """));
    }

    // ------------------------------------------------------------------ errors and logs

    [Theory]
    [InlineData("error(('x'):rep(5000000))", FunctionErrorKind.RuntimeError)]
    [InlineData("return nil, ('x'):rep(5000000)", FunctionErrorKind.HandlerError)]
    [InlineData("error(('é'):rep(3000000), 0)", FunctionErrorKind.RuntimeError)]
    public void Error_messages_are_capped_with_a_mark(string body, FunctionErrorKind expected)
    {
        var run = Measure(_patient, body);
        Assert.Equal(expected, run.Result.ErrorKind);
        Assert.InRange(run.Result.Error!.Length, 1000, FunctionResult.MaxErrorLength);
        Assert.Matches(@"… \(\d+ more bytes\)$", run.Result.Error);
        Assert.True(run.Allocated < ManagedBound, $"allocated {run.Allocated >> 20} MiB of managed memory");
    }

    [Fact]
    public void Any_failure_message_is_capped()
    {
        var failure = FunctionResult.Failure(FunctionErrorKind.NativeFailure, new string('x', 100_000));
        Assert.InRange(failure.Error!.Length, FunctionResult.MaxErrorLength - 100, FunctionResult.MaxErrorLength);
        Assert.EndsWith("more characters)", failure.Error);
        Assert.Equal("short", FunctionResult.Failure(FunctionErrorKind.NativeFailure, "short").Error);
    }

    [Fact]
    public void Printing_a_long_string_copies_only_what_the_log_keeps()
    {
        var run = Measure(_patient, "local s = ('x'):rep(4000000) for i = 1, 10 do print(s) end return 1");
        Assert.True(run.Result.IsSuccess, run.Result.ToString());
        Assert.True(run.Result.Logs.Length <= LuaTestHost.SmallLimits.MaxLogBytes + 100, $"{run.Result.Logs.Length} characters of log");
        Assert.True(run.Allocated < ManagedBound, $"allocated {run.Allocated >> 20} MiB of managed memory");
    }

    // ------------------------------------------------------------------ time

    [Fact]
    public void Time_parse_messages_quote_only_the_start_of_a_long_text()
    {
        var result = _patient.Handler("""
            local time = require('time')
            local long = ('x'):rep(1000000)
            local _, a = time.parse(long, '%Y')
            local _, b = time.parse(long)
            local _, c = time.parse(long, '%Z')
            local _, d = time.parse('2024', '%Y', long)
            return { a, b, c, d }
            """);
        Assert.True(result.IsSuccess, result.ToString());
        foreach (var message in result.Value!.AsArray())
        {
            Assert.True(((string)message!).Length < 300, (string?)message);
            Assert.Contains("more characters)", (string)message!);
        }
    }

    /// <summary>
    /// One call whose own work is many times the deadline must end with the timeout: the parser walked a
    /// layout of millions of directives to the end (6.7 s against 1 s) and returned a success.
    /// </summary>
    [Theory]
    [InlineData("require('time').parse(('Sat'):rep(6000000), ('%a'):rep(6000000))")]
    [InlineData("require('text').match_all(('a'):rep(40) .. 'c', '(a+)+b')")]
    public void A_single_host_call_longer_than_the_deadline_ends_with_the_timeout(string call)
    {
        // Room for the 18 MB arguments; a deadline a fraction of what the call takes even on an idle machine.
        using var host = new LuaTestHost(LuaTestHost.SmallLimits with { MemoryBytes = 96L << 20, Timeout = TimeSpan.FromMilliseconds(100) });
        var result = host.Handler($"local value = {call}\nreturn 'finished'");
        Assert.True(result.ErrorKind == FunctionErrorKind.Timeout, result.ToString());
    }

    /// <summary>Text over 1 MiB is decoded in pieces (the deadline checked between them): no character may be split or changed.</summary>
    [Fact]
    public void Long_text_arguments_decode_exactly_across_pieces()
    {
        Assert.Equal("""[true,true,3000003]""", _patient.Json("""
            local text = require('text')
            local s = ('aé€😀'):rep(300000)
            local shifted = 'x' .. s
            return { text.trim(s) == s, text.trim(shifted) == shifted, #text.trim(s .. '\255') }
            """));
    }

    // ------------------------------------------------------------------ limits beat pcall

    /// <summary>lauxlib's string buffers call the allocator directly: a refused growth raised a "not enough memory" that pcall caught.</summary>
    [Theory]
    [InlineData("local s, t = ('x'):rep(60000), {} for i = 1, 400 do t[i] = s end for i = 1, 50 do pcall(table.concat, t) end return 'survived'")]
    [InlineData("local s = ('x'):rep(6000000) for i = 1, 50 do pcall(string.format, '%s%s%s', s, s, s) end return 'survived'")]
    [InlineData("local s, t = ('x'):rep(60000), {} for i = 1, 400 do t[i] = s end while true do local ok, err = pcall(table.concat, t) if not ok and err:find('memory') then return 'caught: ' .. err end end")]
    public void A_refused_string_buffer_growth_is_the_memory_limit_even_under_pcall(string body)
    {
        var result = _patient.Handler(body);
        Assert.True(result.ErrorKind == FunctionErrorKind.MemoryLimit, result.ToString());
        var next = _patient.Handler("return 'still here'");
        Assert.True(next.IsSuccess, next.ToString());
    }

    // ------------------------------------------------------------------ input schema

    private static FunctionResult CallWithSchema(LuaRuntime runtime, string pattern, JsonArray items)
    {
        var id = EntryId.Parse("app.generated:patterned");
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["items"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string", ["pattern"] = pattern } } },
        };
        var entry = Entry.Create(id, FunctionKinds.Lua, new JsonObject { ["type"] = "tool", ["input_schema"] = schema },
            new JsonObject { ["source"] = "return { handler = function(input) return #input.items end }", ["method"] = "handler" });
        var caller = new FunctionCaller(EntryRegistry.CreateInMemory([entry]), runtime);
        return caller.CallAsync(id, new JsonObject { ["items"] = items }).GetAwaiter().GetResult();
    }

    private static JsonArray Strings(int count, string value) => [.. Enumerable.Range(0, count).Select(_ => (JsonNode)value)];

    /// <summary>Each string used to get its own 100 ms, before the sandbox's clock started: a thousand slow strings took minutes.</summary>
    [Fact]
    public void Schema_patterns_over_many_strings_run_in_linear_time()
    {
        var clock = Stopwatch.StartNew();
        // Before, each string timed out after 100 ms (wrongly refused); twenty such errors ended the check.
        var result = CallWithSchema(_patient.Runtime, "(a+)+c|!", Strings(1000, new string('a', 24) + "!"));
        clock.Stop();
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("1000", result.ValueJson);
        Assert.True(clock.Elapsed < LinearWithin, $"took {clock.Elapsed}");
    }

    [Fact]
    public void Schema_patterns_that_need_backtracking_share_the_call_deadline()
    {
        var clock = Stopwatch.StartNew();
        var result = CallWithSchema(_short.Runtime, "(?=(a+)+c)|!", Strings(1000, new string('a', 26) + "!"));
        clock.Stop();
        Assert.Equal(FunctionErrorKind.InvalidArguments, result.ErrorKind);
        Assert.Contains("within the call's time limit", result.Error);
        Assert.True(clock.Elapsed < StoppedWithin, $"took {clock.Elapsed}");
    }

    [Fact]
    public void Schema_patterns_that_need_backtracking_refuse_long_strings()
    {
        var result = CallWithSchema(_patient.Runtime, "^(?!x)(a|b)*$", Strings(1, new string('a', 100_000)));
        Assert.Equal(FunctionErrorKind.InvalidArguments, result.ErrorKind);
        Assert.Contains("is too long (100000 characters) to check against the pattern ^(?!x)(a|b)*$", result.Error);
        Assert.True(CallWithSchema(_patient.Runtime, "^(?!x)(a|b)*$", Strings(3, "abab")).IsSuccess);
    }
}
