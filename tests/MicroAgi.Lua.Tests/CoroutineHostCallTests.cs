using MicroAgi.Lua.Runtime;

namespace MicroAgi.Lua.Tests;

/// <summary>
/// Host functions run on the thread that called them. They used to push onto the state's main thread
/// instead: called inside a coroutine they returned wrong values, set metatables on unrelated values
/// (every function of the state got one), and after enough calls overflowed the main thread's stack
/// and crashed the process. Every host function is called here inside coroutines, many times, and
/// must return what it returns outside one.
/// </summary>
public sealed class CoroutineHostCallTests : IDisposable
{
    private const int Rounds = 250;

    // These tests are about what host functions return, not time: the deadline only has to stop a hang,
    // and many rounds of http_client refusals outlasted 30 s on a loaded 2-core machine.
    private readonly LuaTestHost _host = new(LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromSeconds(120) });

    public void Dispose() => _host.Dispose();

    /// <summary>An expression, and whether its value is the same on every call (otherwise only its shape is compared).</summary>
    public static TheoryData<string, bool> Calls => new()
    {
        { "time.now()", false },
        { "time.now('Europe/Paris')", false },
        { "time.unix(1700000000)", true },
        { "time.unix(1700000000, 'Asia/Tokyo')", true },
        { "time.parse('2024-01-02T03:04:05Z')", true },
        { "time.format(time.unix(0), '%Y-%m-%d')", true },
        { "time.since(time.unix(0))", false },
        { "time.clock()", false },
        { "time.sleep(0)", true },
        { "time.unix(0):iso(), time.unix(0):format('%H:%M'), time.unix(0):utc(), time.unix(0):in_zone('Europe/Paris')", true },
        { "time.unix(0):add(60), time.unix(0):diff(time.unix(10)), time.unix(0):unix_ms(), tostring(time.unix(0))", true },
        { "time.unix(1) == time.unix(1), time.unix(1) < time.unix(2), time.unix(1) <= time.unix(2)", true },
        { "json.encode({1, 'a', {b = true}}), json.decode('{\"a\":[1,2,{}],\"b\":[]}')", true },
        { "json.encode(json.decode('{\"a\":[],\"b\":{}}')), json.encode(json.array()), json.encode(json.object()), json.null", true },
        { "json.encode(json.array({})), json.encode(json.object({})), json.encode({json.array({}), json.object({})})", true },
        { "text.split('a,b,c', ','), text.split('abc', ''), text.split('a,b,c', ',', 2), text.lines('a\\nb')", true },
        { "text.trim('  a '), text.trim_left(' a'), text.trim_right('a '), text.starts_with('ab', 'a'), text.ends_with('ab', 'b'), text.contains('ab', 'b')", true },
        { "text.replace('aXbX', 'X', '-'), text.lower('AB'), text.upper('ab'), text.len('héllo'), text.sub('héllo', 2, 3)", true },
        { "text.pad_left('7', 3, '0'), text.pad_right('7', 3), text.truncate('abcdef', 4), text.regex_escape('a.b')", true },
        { "text.is_match('abc', 'b'), text.match('a1b22', '(?<n>\\\\d+)'), text.match('abc', '\\\\d')", true },
        { "text.match_all('a1b22', '\\\\d+'), text.match_all('abc', '\\\\d'), text.regex_replace('a1b2', '\\\\d', '#'), text.regex_split('a1b2c', '\\\\d')", true },
        { "base64.encode('hi'), base64.decode('aGk='), base64.url_encode('\\255\\254'), base64.url_decode('__4')", true },
        { "crypto.random_bytes(8), crypto.random_string(8), crypto.random_int(1, 6), crypto.encrypt(('k'):rep(16), 'x')", false },
        { "crypto.hmac('sha256', 'k', 'm'), crypto.decrypt(('k'):rep(16), crypto.encrypt(('k'):rep(16), 'secret')), crypto.equals('a', 'a')", true },
        { "hash.md5('x'), hash.sha1('x'), hash.sha256('x'), hash.sha384('x'), hash.sha512('x'), hash.crc32('x')", true },
        { "uuid.v4(), uuid.v7()", false },
        { "uuid.validate(uuid.NIL), uuid.version('6f1c2b5e-8d4a-4c3b-9e2f-1a2b3c4d5e6f')", true },
        { "url.parse('https://u:p@example.com:8080/a/b?x=1&y=2&y=3#f'), url.build({host = 'example.com', path = '/a b', query = {q = 'x y'}})", true },
        { "url.encode('a b/é'), url.decode('a%20b'), url.query_encode({a = '1', b = {'2', '3'}}), url.query_decode('a=1&b=2&b=3'), url.join('https://example.com/a/b', '../c')", true },
        { "yaml.decode('a: [1, 2]\\nb: {}'), yaml.decode_all('a: 1\\n---\\nb: 2'), yaml.encode({a = {1, 2}})", true },
        { "expr.eval('x + 1', {x = 41}), expr.eval('[1, 2]'), expr.eval('nope(')", true },
        { "http_client.get('http://169.254.169.254/')", false },
        { "('a,b'):find(','), ('a,b'):find(',', 1, true), string.match('key=val', '(%w+)=(%w+)'), ('a1b2'):gsub('%d', '#'), ('ab'):rep(3, ',')", true },
        { "('a1b2'):gsub('%d', function(d) return d .. d end), ('a1b2'):gsub('%d', {['1'] = 'one'}), select(2, pcall(string.rep))", true },
        { "(function() local all = {} for k, v in ('a=1, b=2'):gmatch('(%w+)=(%w+)') do all[k] = v end return all end)()", true },
        { "print('logged'), require('json').null", true },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void Host_functions_called_in_coroutines_return_what_they_return_outside_one(string expression, bool exact) =>
        CheckInCoroutines(expression, exact);

    private void CheckInCoroutines(string expression, bool exact)
    {
        var source = Harness(expression, exact, Rounds);
        var first = _host.Tool(source, null, LuaRuntime.AvailableModules);
        Assert.True(first.IsSuccess, $"{expression}: {first}");
        Assert.Equal("\"same\"", first.ValueJson);
        // The state is cached: what the first call did must not show in the next one.
        var second = _host.Tool(source, null, LuaRuntime.AvailableModules);
        Assert.True(second.IsSuccess, $"{expression}, second call: {second}");
        Assert.Equal("\"same\"", second.ValueJson);
    }

    [Fact]
    public void A_module_first_required_inside_a_coroutine_works_outside_it()
    {
        var result = _host.Handler("""
            local inside = coroutine.wrap(function() return require('json').encode({1}) end)()
            local co = coroutine.create(function() return require('text').split('a,b', ',') end)
            local _, parts = coroutine.resume(co)
            return { inside, require('json').encode({2}), require('json').encode(parts), require('text').upper('x') }
            """);
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("""["[1]","[2]","[\"a\",\"b\"]","X"]""", result.ValueJson);
    }

    [Fact]
    public void A_table_marked_inside_a_coroutine_keeps_its_mark_and_nothing_else_gets_one()
    {
        var result = _host.Handler("""
            local json = require('json')
            local empty, other = {}, {}
            coroutine.wrap(function() json.object(empty) json.array(other) end)()
            return { json.encode(empty), json.encode(other), json.encode({}) }
            """);
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("""["{}","[]","{}"]""", result.ValueJson);
    }

    /// <summary>
    /// Runs the expression once on the main thread, then <paramref name="rounds"/> times in a coroutine
    /// and in a coroutine inside a coroutine, comparing each time; then checks that no function
    /// gained a metatable.
    /// </summary>
    private static string Harness(string expression, bool exact, int rounds) => $$"""
        local time, json, text, base64, crypto, hash, uuid, url, yaml, expr, http_client =
          require('time'), require('json'), require('text'), require('base64'), require('crypto'), require('hash'),
          require('uuid'), require('url'), require('yaml'), require('expr'), require('http_client')
        local exact = {{(exact ? "true" : "false")}}

        local function describe(v)
          local kind = type(v)
          if kind == 'table' then
            local keys = {}
            for k in next, v do keys[#keys + 1] = k end
            table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
            local parts = {}
            for i, k in ipairs(keys) do parts[i] = tostring(k) .. '=' .. describe(rawget(v, k)) end
            return '{' .. table.concat(parts, ',') .. '}' .. describe(getmetatable(v))
          end
          if kind == 'function' or not exact then return kind end
          return kind .. ':' .. tostring(v)
        end

        local function value()
          return describe(table.pack({{expression}}))
        end

        local function handler()
          local expected = value()
          local function check(where)
            for i = 1, {{rounds}} do
              local got = value()
              if got ~= expected then error(where .. ' call ' .. i .. ': ' .. got .. ' instead of ' .. expected) end
            end
          end
          coroutine.wrap(check)('in a coroutine')
          coroutine.wrap(function() coroutine.wrap(check)('in a nested coroutine') end)()
          local co = coroutine.create(function() check('in a resumed coroutine') coroutine.yield() check('after a yield') end)
          assert(coroutine.resume(co))
          assert(coroutine.resume(co))
          if getmetatable(print) ~= nil or getmetatable(handler) ~= nil or getmetatable(function() end) ~= nil then
            error('a function has a metatable')
          end
          return 'same'
        end
        return { handler = handler }
        """;
}
