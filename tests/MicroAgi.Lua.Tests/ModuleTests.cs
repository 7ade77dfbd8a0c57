using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAgi.Functions;

namespace MicroAgi.Lua.Tests;

/// <summary>Edge cases and failure paths of the host modules (their ordinary use is covered by the docs' examples).</summary>
public sealed class ModuleTests : IDisposable
{
    private readonly LuaTestHost _host = new(LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromSeconds(2) });

    public void Dispose() => _host.Dispose();

    private string Json(string body, JsonNode? input = null) => _host.Json(body, input);

    [Fact]
    public void Host_functions_return_nil_and_a_message_for_bad_arguments_instead_of_raising()
    {
        Assert.Equal("""[true,"bad argument #1 to 'json.decode' (string expected, got nil)"]""",
            Json("local v, err = require('json').decode(nil) return { v == nil, err }"));
        Assert.Equal("""[true,"bad argument #2 to 'crypto.hmac' (string expected, got table)"]""",
            Json("local v, err = require('crypto').hmac('sha256', {}, 'x') return { v == nil, err }"));
    }

    [Fact]
    public void Empty_arrays_in_the_input_come_back_as_arrays()
    {
        Assert.Equal("""{"empty":[],"list":[],"obj":{}}""", Json("return { empty = input.empty, list = input.list, obj = input.obj }", JsonNode.Parse("""{"empty": [], "list": [], "obj": {}}""")));
    }

    [Fact]
    public void Json_keeps_integers_and_floats_apart()
    {
        Assert.Equal("""["integer","float","float",9007199254740993]""",
            Json("local json = require('json') local v = json.decode('[1, 1.0, 1e2, 9007199254740993]') return { math.type(v[1]), math.type(v[2]), math.type(v[3]), v[4] }"));
    }

    [Fact]
    public void Json_refuses_cycles_and_deep_nesting_with_a_clear_message()
    {
        Assert.Equal("\"json.encode: value.next.next.next.next….next.next.next: nested more than 100 levels deep (does a table contain itself?)\"",
            Json("local t = {} t.next = t local v, err = require('json').encode(t) return err"));
        var deep = new string('[', 150) + new string(']', 150);
        var result = _host.Handler($"local v, err = require('json').decode('{deep}') return err");
        Assert.StartsWith("json.decode: line 1, column 101:", (string?)result.Value);
    }

    [Fact]
    public void Json_replaces_invalid_utf8_instead_of_failing()
    {
        Assert.Equal("\"\\\"a\uFFFDb\\\"\"", Json("return require('json').encode('a\\255b')"));
    }

    [Fact]
    public void Decoding_a_document_too_big_for_the_memory_limit_fails_the_call()
    {
        // A long deadline: on a loaded machine building the document could outlast 2 s, and this test is about memory.
        using var patient = new LuaTestHost(LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromSeconds(60) });
        var result = patient.Handler("local big = '[' .. string.rep('1,', 1500000) .. '1]' return #require('json').decode(big)");
        Assert.Equal(FunctionErrorKind.MemoryLimit, result.ErrorKind);
    }

    [Fact]
    public void Yaml_alias_bombs_are_refused()
    {
        var bomb = string.Join("\\n", new[] { "a: &a [x, x, x, x, x, x, x, x, x, x]" }
            .Concat(Enumerable.Range(1, 7).Select(i => $"{(char)('a' + i)}: &{(char)('a' + i)} [*{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}]")));
        Assert.Equal("\"yaml.decode: the document expands to more than 1000000 values (an alias bomb?)\"",
            Json($"local v, err = require('yaml').decode('{bomb}') return err"));
    }

    [Fact]
    public void Yaml_keeps_quoted_scalars_as_strings()
    {
        Assert.Equal("""["string","boolean","string","integer","float"]""",
            Json("""local y = require('yaml').decode('a: "true"\nb: true\nc: \'42\'\nd: 42\ne: 4.2') return { type(y.a), type(y.b), type(y.c), math.type(y.d), math.type(y.e) }"""));
    }

    [Fact]
    public void A_catastrophic_regular_expression_stops_at_the_call_deadline()
    {
        using var host = new LuaTestHost(LuaTestHost.ShortDeadline);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = host.Handler("return require('text').is_match(string.rep('a', 40) .. '!', '^(a+)+$')");
        Assert.Equal(FunctionErrorKind.Timeout, result.ErrorKind);
        // Unstopped, this match runs for days; the bound is loose so a loaded machine cannot fail it.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), clock.Elapsed.ToString());
    }

    [Fact]
    public void Regex_flags_are_checked()
    {
        Assert.Equal("\"bad argument #3 to 'text.is_match' (unknown regex flag 'q' (use i, m, s, x))\"",
            Json("local v, err = require('text').is_match('a', 'a', 'q') return err"));
    }

    [Fact]
    public void Expressions_cannot_nest_without_bound_or_overflow_to_infinity()
    {
        var nested = new string('(', 300) + "1" + new string(')', 300);
        Assert.StartsWith("\"expr.eval: the expression nests deeper than 100 levels", Json($"local v, err = require('expr').eval('{nested}') return err"));
        Assert.Equal("\"expr.eval: the result is not a finite number (Infinity)\"", Json("local v, err = require('expr').eval('10 ** 400') return err"));
    }

    [Fact]
    public void Expressions_only_see_the_variables_they_are_given()
    {
        Assert.Equal("\"expr.eval: unknown variable 'os' at position 1\"", Json("local v, err = require('expr').eval('os.execute') return err"));
    }

    [Fact]
    public void Sleeping_past_the_deadline_is_refused_without_sleeping()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = _host.Handler("local ok, err = require('time').sleep(10) return err");
        Assert.StartsWith("time.sleep: 10 s would pass the call's deadline", (string?)result.Value);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
    }

    [Fact]
    public void Time_tables_survive_a_json_round_trip_through_the_result()
    {
        Assert.Equal("""{"day":14,"hour":22,"min":13,"month":11,"ms":0,"offset":0,"sec":20,"unix":1700000000,"wday":3,"weekday":"Tuesday","yday":318,"year":2023,"zone":"UTC"}""",
            Json("return require('time').unix(1700000000)"));
    }

    [Fact]
    public void Time_fields_edited_by_hand_do_not_move_the_time()
    {
        Assert.Equal("\"2023-11-14T22:13:20Z\"", Json("local t = require('time').unix(1700000000) t.year = 1999 return t:iso()"));
    }

    [Fact]
    public void Random_integers_cover_the_whole_range()
    {
        Assert.Equal("true", Json("local c = require('crypto') local n = c.random_int(math.mininteger, math.maxinteger) return math.type(n) == 'integer'"));
        Assert.Equal("[5,5]", Json("local c = require('crypto') return { c.random_int(5, 5), c.random_int(5, 5) }"));
    }

    [Fact]
    public void Decryption_needs_the_same_associated_data()
    {
        Assert.Equal("\"crypto.decrypt: authentication failed (wrong key, wrong associated data, or the data was modified)\"",
            Json("local c = require('crypto') local k = c.random_bytes(16) local box = c.encrypt(k, 'x', 'a') local v, err = c.decrypt(k, box, 'b') return err"));
    }

    [Fact]
    public void Module_tables_are_read_only_and_shared_safely_between_calls()
    {
        var result = _host.Handler("local json = require('json') json.encode = function() return 'pwned' end");
        Assert.Equal(FunctionErrorKind.RuntimeError, result.ErrorKind);
        Assert.Contains("attempt to modify read-only table 'json'", result.Error);
        Assert.Equal("\"[1]\"", Json("return require('json').encode({1})"));
    }

    [Fact]
    public void Url_query_strings_round_trip()
    {
        Assert.Equal("\"a=1&b=x+y&b=%26\"", Json("local url = require('url') local q = url.query_decode('b=x+y&a=1&b=%26') return url.query_encode(q)"));
    }

    [Theory]
    [InlineData("(\\w)(\\d)?", "[$2$1] ${1} $$ $& $` $' $+ $_ $9 $ ${x} ${} $10 end $")]
    [InlineData("(?<word>\\w+)", "<${word}> $word $1 $0 $+")]
    [InlineData("x", "$1 ${0} ${01} $01")]
    public void Regex_replacements_follow_dotnet(string pattern, string replacement)
    {
        const string input = "ab1 c 42";
        var actual = Json($"return (require('text').regex_replace('{input}', [[{pattern}]], [[{replacement}]]))");
        Assert.Equal(Regex.Replace(input, pattern, replacement), JsonNode.Parse(actual)!.GetValue<string>());
    }

    [Fact]
    public void Match_positions_are_utf8_byte_offsets()
    {
        const string input = "aé😀b😀c";
        var found = JsonNode.Parse(Json($"local r = {{}} for i, m in ipairs(require('text').match_all('{input}', '.')) do r[i] = {{ m.start, m.finish }} end return r"))!.AsArray();
        var expected = Regex.Matches(input, ".").Select(m => new JsonArray(
            Encoding.UTF8.GetByteCount(input.AsSpan(0, m.Index)) + 1,
            Encoding.UTF8.GetByteCount(input.AsSpan(0, m.Index)) + Encoding.UTF8.GetByteCount(m.Value)));
        Assert.Equal(new JsonArray([.. expected]).ToJsonString(), found.ToJsonString());
    }

    [Fact]
    public void Yaml_nests_up_to_100_levels()
    {
        Assert.Equal("[true,\"yaml.decode: line 1, column 101: the document nests deeper than 100 levels\"]",
            Json("local yaml = require('yaml') local _, err = yaml.decode(('['):rep(101) .. (']'):rep(101)) return { yaml.decode(('['):rep(100) .. (']'):rep(100)) ~= nil, err }"));
    }

    [Fact]
    public void A_yaml_alias_inside_its_own_anchor_is_refused()
    {
        var result = _host.Handler("local value, err = require('yaml').decode('a: &a [1, *a]') return err");
        Assert.True(result.IsSuccess, result.ToString());
        Assert.StartsWith("yaml.decode: ", (string?)result.Value);
    }

    [Fact]
    public void Uuid_v7_values_sort_by_creation_time()
    {
        Assert.Equal("true", Json("local uuid = require('uuid') local a = uuid.v7() require('time').sleep(0.002) local b = uuid.v7() return a < b"));
    }
}
