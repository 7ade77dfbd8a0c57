using System.Diagnostics;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;

namespace MicroAgi.Lua.Tests;

/// <summary>
/// Escape and exhaustion attempts. Each must end in a clean error of the expected kind, well within a
/// generous bound (the deadline is 200 ms; 5 s proves it stopped), and the runtime must serve the
/// next call.
/// </summary>
public sealed class HostileCodeTests : IDisposable
{
    private static readonly TimeSpan StoppedWithin = TimeSpan.FromSeconds(15);
    private readonly LuaTestHost _host = new(LuaTestHost.ShortDeadline);

    // Only the timeout cases run against the 200 ms deadline. The others (memory, result size, escapes)
    // are about another limit, and on a busy machine a short deadline could fire first.
    // Its deadline only has to stop a hang: the outcome (MemoryLimit, not Timeout) is what these cases
    // assert, and on a loaded 2-core machine filling the cap took over 20 s.
    private readonly LuaTestHost _patientHost = new(LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromSeconds(120) });

    public void Dispose()
    {
        _host.Dispose();
        _patientHost.Dispose();
    }

    public static TheoryData<string, string, FunctionErrorKind> Exhaustion => new()
    {
        // Infinite loops in every position.
        { "plain loop", "while true do end", FunctionErrorKind.Timeout },
        { "loop at load time", "", FunctionErrorKind.Timeout },
        { "pcall swallowing the timeout", "while true do pcall(function() while true do end end) end", FunctionErrorKind.Timeout },
        { "xpcall with a looping handler", "xpcall(function() while true do end end, function() while true do end end)", FunctionErrorKind.Timeout },
        { "xpcall handler looping after an ordinary error", "xpcall(function() error('x') end, function() while true do end end)", FunctionErrorKind.Timeout },
        { "nested xpcall in a loop", "while true do xpcall(function() xpcall(function() while true do end end, function() end) end, print) end", FunctionErrorKind.Timeout },
        { "coroutine.wrap loop", "coroutine.wrap(function() while true do end end)()", FunctionErrorKind.Timeout },
        { "pcall around wrapped coroutines in a loop", "while true do pcall(coroutine.wrap(function() while true do end end)) end", FunctionErrorKind.Timeout },
        { "coroutine yielding forever", "local co = coroutine.wrap(function() while true do coroutine.yield() end end) while true do co() end", FunctionErrorKind.Timeout },
        { "__close looping while an error unwinds", "do local x <close> = setmetatable({}, {__close = function() while true do end end}) error('boom') end", FunctionErrorKind.Timeout },
        { "__close looping in a coroutine killed by the deadline", """
            local co = coroutine.create(function()
              local x <close> = setmetatable({}, {__close = function() while true do end end})
              while true do end
            end)
            coroutine.resume(co)
            coroutine.close(co)
            while true do end
            """, FunctionErrorKind.Timeout },
        { "__close looping on a normal exit", "do local x <close> = setmetatable({}, {__close = function() while true do end end}) end", FunctionErrorKind.Timeout },
        { "closing a suspended coroutine whose __close loops", """
            local co = coroutine.create(function()
              local x <close> = setmetatable({}, {__close = function() while true do end end})
              coroutine.yield()
            end)
            coroutine.resume(co)
            print(coroutine.close(co))
            return 'after close'
            """, FunctionErrorKind.Timeout },
        { "pcall loop around a coroutine that is closed over and over", """
            while true do
              local co = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() while true do end end}) coroutine.yield() end)
              coroutine.resume(co)
              pcall(coroutine.close, co)
            end
            """, FunctionErrorKind.Timeout },
        { "__index function looping", "return setmetatable({}, {__index = function() while true do end end}).x", FunctionErrorKind.Timeout },
        { "__tostring looping inside tostring", "return tostring(setmetatable({}, {__tostring = function() while true do end end}))", FunctionErrorKind.Timeout },
        { "__tostring looping inside string.format", "return string.format('%s', setmetatable({}, {__tostring = function() while true do end end}))", FunctionErrorKind.Timeout },
        { "__eq looping", "local mt = {__eq = function() while true do end end} return setmetatable({}, mt) == setmetatable({}, mt)", FunctionErrorKind.Timeout },
        { "__concat looping", "return setmetatable({}, {__concat = function() while true do end end}) .. 'x'", FunctionErrorKind.Timeout },
        { "iterator looping", "for _ in function() return 1 end do end", FunctionErrorKind.Timeout },
        { "sort comparator looping", "table.sort({3, 2, 1}, function() while true do end end)", FunctionErrorKind.Timeout },
        { "gsub replacement function looping", "return (('abc'):gsub('.', function() while true do end end))", FunctionErrorKind.Timeout },
        { "pattern backtracking", "return ('a'):rep(200):find('.-.-.-.-b')", FunctionErrorKind.Timeout },
        { "pattern backtracking in match", "return string.match(('a'):rep(5000), '(.-)(.-)(.-)(.-)x')", FunctionErrorKind.Timeout },
        { "pattern backtracking in gmatch", "for w in ('a'):rep(3000):gmatch('.-.-.-b') do end", FunctionErrorKind.Timeout },
        { "pattern backtracking in gsub", "return (('a'):rep(3000):gsub('.-.-.-b', 'x'))", FunctionErrorKind.Timeout },
        { "table.move over 10^8 slots", "table.move({}, 1, 100000000, 2)", FunctionErrorKind.Timeout },
        { "table.insert with a huge __len", "table.insert(setmetatable({}, {__len = function() return 1 << 40 end}), 1, 'x')", FunctionErrorKind.Timeout },
        { "table.remove with a huge __len", "table.remove(setmetatable({}, {__len = function() return 1 << 40 end}), 1)", FunctionErrorKind.Timeout },
        // lua_geti runs __index; a C __index is a whole function call with no VM instruction in between.
        { "table.concat with a C __index", "return #table.concat(setmetatable({}, {__index = table.concat}), '', 1, math.maxinteger)", FunctionErrorKind.Timeout },
        { "table.concat with a C __index behind a hidden metatable", "return #table.concat(setmetatable({}, {__index = table.concat, __metatable = 'locked'}), '', 1, math.maxinteger)", FunctionErrorKind.Timeout },
        { "table.concat with a C __index through tostring", "return tostring(setmetatable({}, {__index = table.concat, __tostring = function(t) return table.concat(t, '', 1, math.maxinteger) end}))", FunctionErrorKind.Timeout },
        { "table.unpack with a C __index over and over", "local t = setmetatable({}, {__index = table.concat}) while true do local _ = select('#', table.unpack(t, 1, 900000)) end", FunctionErrorKind.Timeout },
        { "comparing long strings of NUL bytes forever", "local a, b = ('\\0'):rep(1000000), ('\\0'):rep(999999) .. 'b' while true do local _ = a < b end", FunctionErrorKind.Timeout },
        { "printing forever", "while true do print(('x'):rep(100)) end", FunctionErrorKind.Timeout },
        { "os.clock busy wait", "local t = os.clock() while os.clock() - t < 60 do end", FunctionErrorKind.Timeout },
        // Memory.
        { "string.rep bomb", "return #string.rep('x', 1000000000)", FunctionErrorKind.MemoryLimit },
        { "string.rep separator bomb", "return #string.rep('x', 10000000, ('y'):rep(100))", FunctionErrorKind.MemoryLimit },
        { "doubling a string", "local s = 'x' while true do s = s .. s end", FunctionErrorKind.MemoryLimit },
        { "growing a table", "local t = {} for i = 1, 1e9 do t[i] = i end", FunctionErrorKind.MemoryLimit },
        { "memory bomb caught by pcall", "local keep = {} while true do pcall(function() keep[#keep + 1] = ('x'):rep(100000) .. #keep end) end", FunctionErrorKind.MemoryLimit },
        { "table.concat bomb", "local s, t = ('x'):rep(60000), {} for i = 1, 400 do t[i] = s end return #table.concat(t)", FunctionErrorKind.MemoryLimit },
        { "gsub output bomb", "local s = ('x'):rep(1000) return #s:gsub('x', ('y'):rep(100000))", FunctionErrorKind.MemoryLimit },
        { "coroutine bomb", "local all = {} while true do all[#all + 1] = coroutine.create(function() end) end", FunctionErrorKind.MemoryLimit },
        // Depth.
        { "unbounded recursion", "local function f() return 1 + f() end return f()", FunctionErrorKind.CallDepthLimit },
        { "recursion caught by pcall in a loop", "local function f() return 1 + f() end while true do pcall(f) end", FunctionErrorKind.CallDepthLimit },
        { "recursion through metamethods (Lua's C stack limit)", "local t t = setmetatable({}, {__index = function(_, k) return t[k .. 'x'] end}) return t.a", FunctionErrorKind.RuntimeError },
        // Broken or hostile code that must just fail cleanly.
        { "__gc finalizer", "setmetatable({}, {__gc = function() while true do end end})", FunctionErrorKind.RuntimeError },
        { "error object whose __tostring errors", "error(setmetatable({}, {__tostring = function() error('boom') end}))", FunctionErrorKind.RuntimeError },
        { "error object whose __tostring loops", "error(setmetatable({}, {__tostring = function() while true do end end}))", FunctionErrorKind.RuntimeError },
        { "error object that is a function", "error(function() end)", FunctionErrorKind.RuntimeError },
        { "bytecode through load", "return load(string.dump(function() end))", FunctionErrorKind.RuntimeError },
        { "string.dump", "return string.dump(print)", FunctionErrorKind.RuntimeError },
        { "string metatable", "getmetatable('').__index = { upper = function() return 'pwned' end }", FunctionErrorKind.RuntimeError },
        { "unlisted module", "return require('io')", FunctionErrorKind.RuntimeError },
        { "debug library", "return debug.getregistry()", FunctionErrorKind.RuntimeError },
        { "io library", "return io.open('/etc/passwd'):read('a')", FunctionErrorKind.RuntimeError },
        { "os.execute", "return os.execute('id')", FunctionErrorKind.RuntimeError },
        { "package.loadlib", "return package.loadlib('libc.so.6', 'system')", FunctionErrorKind.RuntimeError },
        { "collectgarbage", "return collectgarbage('count')", FunctionErrorKind.RuntimeError },
        { "dofile", "return dofile('/etc/passwd')", FunctionErrorKind.RuntimeError },
        { "__index chain loop", "local t = setmetatable({}, {}) getmetatable(t).__index = t return t.x", FunctionErrorKind.RuntimeError },
        { "unpacking 10^8 values", "return table.unpack({}, 1, 100000000)", FunctionErrorKind.RuntimeError },
        { "too many pattern captures", "return string.find(('a'):rep(100), ('(a)'):rep(40))", FunctionErrorKind.RuntimeError },
        { "result with a cycle", "local t = {} t.self = t return t", FunctionErrorKind.InvalidResult },
        { "result with a function", "return { f = print }", FunctionErrorKind.InvalidResult },
        { "result too large", "return ('x'):rep(1000000)", FunctionErrorKind.InvalidResult },
        { "result with NaN", "return 0/0", FunctionErrorKind.InvalidResult },
        { "result with 100000 keys", "local t = {} for i = 1, 100000 do t['k' .. i] = i end return t", FunctionErrorKind.InvalidResult },
        { "coroutines nested without end", "local function f() return coroutine.wrap(f)() end return f()", FunctionErrorKind.RuntimeError },
        { "error object with a looping __index", "error(setmetatable({}, {__index = function() while true do end end}))", FunctionErrorKind.RuntimeError },
    };

    /// <summary>
    /// Attacks through host modules: work or data inside one C# function, where the count hook cannot
    /// see. Besides failing with the right limit in time, none may build far more managed data than
    /// the memory cap (the runtime's own memory is not the Lua state's, but it is just as finite).
    /// </summary>
    public static TheoryData<string, string, FunctionErrorKind> ModuleExhaustion => new()
    {
        // Each match's byte offset used to be counted from the start of the text (quadratic: seconds per call).
        { "text.match_all far into a long text", "local s = ('é'):rep(2000000) .. ('a'):rep(15000) while true do require('text').match_all(s, 'a') end", FunctionErrorKind.Timeout },
        { "expr.eval comparing two long lists over and over", "local t, u = {}, {} for i = 1, 200000 do t[i], u[i] = i, i end return require('expr').eval(('t==u and '):rep(1000) .. 'true', { t = t, u = u })", FunctionErrorKind.Timeout },
        // A table that holds the same subtable twice, 60 levels deep, is 2^60 values of JSON.
        { "json.encode of a shared subtable", "local t = ('x'):rep(1000) for i = 1, 60 do t = {t, t} end return #require('json').encode(t)", FunctionErrorKind.MemoryLimit },
        { "yaml.encode of a shared subtable", "local t = {} for i = 1, 60 do t = {a = t, b = t} end return #require('yaml').encode(t)", FunctionErrorKind.MemoryLimit },
        // Each '+' used to copy the variable and the string built so far: quadratic time and memory.
        { "expr.eval joining a long string 5000 times", "return require('expr').eval(('x+'):rep(4999) .. 'x', { x = ('a'):rep(1000000) })", FunctionErrorKind.MemoryLimit },
        { "expr.eval joining a medium string 5000 times", "return require('expr').eval(('x+'):rep(4999) .. 'x', { x = ('a'):rep(3000) })", FunctionErrorKind.MemoryLimit },
        { "expr.eval copying a table into a list 4000 times", "local t = {} for i = 1, 20000 do t[i] = 'item' .. i end return #require('expr').eval('[' .. ('t,'):rep(4000) .. 't]', { t = t })", FunctionErrorKind.MemoryLimit },
        // Character functions used to make a string per character of the whole text.
        { "text.split of a long text into characters", "return #require('text').split(('a'):rep(4000000), '')", FunctionErrorKind.MemoryLimit },
        { "text.sub of a long text, kept", "local s, keep = ('a'):rep(4000000), {} for i = 1, 4 do keep[i] = require('text').sub(s, i) end", FunctionErrorKind.MemoryLimit },
        { "text.truncate of a long text, kept", "local s, keep = ('a'):rep(4000000), {} for i = 1, 4 do keep[i] = require('text').truncate(s, 3999990 - i) end", FunctionErrorKind.MemoryLimit },
        { "text.regex_replace multiplying a text", "return #require('text').regex_replace(('a'):rep(1000000), 'a', ('b'):rep(100))", FunctionErrorKind.MemoryLimit },
        { "text.regex_replace repeating a long match", "return #require('text').regex_replace(('a'):rep(100000), '.+', ('$0'):rep(100000))", FunctionErrorKind.MemoryLimit },
        { "text.match_all capturing the rest of the text at every position", "return #require('text').match_all(('a'):rep(20000), '(?=(.*))')", FunctionErrorKind.MemoryLimit },
        { "text.regex_split capturing the rest of the text at every position", "return #require('text').regex_split(('a'):rep(20000), '(?=(.*))')", FunctionErrorKind.MemoryLimit },
        { "yaml alias repeating a long string", "local doc = 'a: &a ' .. ('x'):rep(1000000) .. '\\nb: [' .. ('*a, '):rep(99) .. '*a]' return #require('yaml').decode(doc).b", FunctionErrorKind.MemoryLimit },
        { "yaml.encode indenting a deep list", "local t = {} for i = 1, 200000 do t[i] = 1 end for i = 1, 45 do t = {a = t} end return #require('yaml').encode(t)", FunctionErrorKind.MemoryLimit },
        { "time.format repeating a long zone name", "local now = require('time').now():in_zone('America/Argentina/ComodRivadavia') return #now:format(('%Z'):rep(3000000))", FunctionErrorKind.MemoryLimit },
        // The replacement's size used to be known only after it was built: gigabytes, then a swallowed error.
        { "string.gsub repeating a long match, under pcall", "return pcall(string.gsub, ('x'):rep(1 << 20), '^.*', ('%0'):rep(4096))", FunctionErrorKind.MemoryLimit },
        { "string.gsub repeating a long capture", "return #string.gsub(('x'):rep(1 << 20), '^(.*)', ('%1'):rep(64))", FunctionErrorKind.MemoryLimit },
        // Percent-encoding triples its input: it used to be built whole (gigabytes, seconds) before the push was checked.
        { "url.encode of a long binary string", "return #require('url').encode(('\\255'):rep(6000000))", FunctionErrorKind.MemoryLimit },
        { "url.query_encode of a long binary value", "return #require('url').query_encode({ q = ('\\255'):rep(3000000) })", FunctionErrorKind.MemoryLimit },
        { "url.build of a long binary path", "return #require('url').build({ host = 'example.com', path = ('%FF'):rep(1500000) })", FunctionErrorKind.MemoryLimit },
        // Every match used to be charged 256 bytes, however many group nodes it made.
        { "text.match_all with a thousand empty groups at every position", "return #require('text').match_all(('a'):rep(100000), ('()'):rep(1000))", FunctionErrorKind.MemoryLimit },
        { "url.query_decode of millions of parameters", "return require('url').query_decode(('a&'):rep(4000000))", FunctionErrorKind.MemoryLimit },
    };

    // Everything a module call allocates, garbage included: the arguments' UTF-16 copies, the value
    // being built and its encoding each take up to about the cap.
    private static readonly long ManagedBound = 8 * LuaTestHost.SmallLimits.MemoryBytes;

    [Theory]
    [MemberData(nameof(ModuleExhaustion))]
    public void Hostile_module_calls_fail_cleanly_and_the_host_serves_the_next_call(string name, string body, FunctionErrorKind expected)
    {
        var host = expected == FunctionErrorKind.Timeout ? _host : _patientHost;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var result = host.Handler(body);
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.True(expected == result.ErrorKind, $"{name}: expected {expected}, got {result}");
        // A case that loops until its deadline allocates at a rate times the time it got, which a busy
        // machine changes either way ("text.match_all far into a long text" once reached 136 MiB): only a
        // case stopped by another limit has a total that says something about memory. And only a timeout
        // case has a time that says something: the others are told apart from a hang by their outcome.
        if (expected == FunctionErrorKind.Timeout)
            Assert.True(clock.Elapsed < StoppedWithin, $"{name}: took {clock.Elapsed}");
        else
            Assert.True(allocated < ManagedBound, $"{name}: allocated {allocated >> 20} MiB of managed memory");
        AssertServesTheNextCall(host, name);
    }

    /// <summary>
    /// The runtime serves the next call of the same tool pool. It runs with the patient limits: a
    /// trivial call can stall past 200 ms on a loaded machine (a collection of another test's heap).
    /// </summary>
    private static void AssertServesTheNextCall(LuaTestHost host, string name)
    {
        var next = host.Runtime.RunAsync(
            new LuaFunctionSource("return { handler = function() return require('json').encode({'still here'}) end }", "handler", ["json"], "test"),
            null, LuaTestHost.SmallLimits).GetAwaiter().GetResult();
        Assert.True(next.IsSuccess, $"after {name}: {next}");
        Assert.Equal("\"[\\\"still here\\\"]\"", next.ValueJson);
    }

    /// <summary>Compiling a regex cannot be interrupted: millions of groups took 19 s and gigabytes before any limit was checked.</summary>
    [Theory]
    [InlineData("require('text').match('a', ('()'):rep(5000000))", "bad argument #2 to 'text.match' (the regular expression is longer than 32768 characters)")]
    [InlineData("require('text').match_all(('a'):rep(100000), ('()'):rep(1001))", "bad argument #2 to 'text.match_all' (the regular expression has more than 1000 groups)")]
    [InlineData("require('text').regex_replace('a', ('(a)'):rep(1001), 'b')", "bad argument #2 to 'text.regex_replace' (the regular expression has more than 1000 groups)")]
    public void Oversized_regular_expressions_are_refused_before_they_cost_anything(string call, string message)
    {
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var result = _patientHost.Handler($"local value, err = {call} return err");
        clock.Stop();
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(message, (string?)result.Value);
        Assert.True(clock.Elapsed < StoppedWithin, $"took {clock.Elapsed}");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < ManagedBound, "allocated too much managed memory");
    }

    /// <summary>YamlDotNet builds its tree recursively: this used to overflow the .NET stack, killing the process.</summary>
    [Theory]
    [InlineData("(\"[\"):rep(1000000)")]
    [InlineData("(\"{a: \"):rep(100000)")]
    [InlineData("(\"- \"):rep(100000) .. \"x\"")]
    public void Yaml_nested_without_end_is_refused_without_overflowing_the_stack(string document)
    {
        var result = _patientHost.Handler($"local yaml = require('yaml') local value, err = yaml.decode({document}) local all, err_all = yaml.decode_all({document}) return {{ err, err_all }}");
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Matches("""^\["yaml\.decode: line \d+, column \d+: the document nests deeper than 100 levels","yaml\.decode: line \d+, column \d+: the document nests deeper than 100 levels"\]$""", result.ValueJson);
    }

    /// <summary><c>pairs</c> on a library view used to return <c>next, real</c>: the real table, writable and shared by later calls.</summary>
    [Theory]
    [InlineData("string", "string.upper('x') == 'X' and ('x'):upper() == 'X'")]
    [InlineData("table", "table.concat({1, 2}) == '12'")]
    [InlineData("math", "math.floor(1.5) == 1")]
    [InlineData("require('json')", "require('json').encode({1}) == '[1]'")]
    public void Iterating_a_library_never_exposes_the_table_behind_it(string library, string pristine)
    {
        var source = $$"""
            local function handler(input)
              if input.attack then
                local results = table.pack(pairs({{library}}))
                for i = 1, results.n do
                  local candidate = results[i]
                  if type(candidate) == 'table' then
                    for key in next, candidate do pcall(rawset, candidate, key, function() return 'pwned' end) end
                  end
                end
                for key in pairs({{library}}) do pcall(rawset, {{library}}, key, 'pwned') end
                return 'attacked'
              end
              return {{pristine}}
            end
            return { handler = handler }
            """;
        Assert.Equal("\"attacked\"", _patientHost.Tool(source, new JsonObject { ["attack"] = true }, ["json"]).ValueJson);
        var after = _patientHost.Tool(source, new JsonObject(), ["json"]);
        Assert.True(after.IsSuccess, after.ToString());
        Assert.Equal("true", after.ValueJson);
    }

    [Theory]
    [MemberData(nameof(Exhaustion))]
    public void Hostile_code_fails_cleanly_and_the_host_serves_the_next_call(string name, string body, FunctionErrorKind expected)
    {
        var source = name == "loop at load time"
            ? "while true do end\nreturn { handler = function() end }"
            : $"local function handler(input)\n{body}\nend\nreturn {{ handler = handler }}";
        var host = expected == FunctionErrorKind.Timeout ? _host : _patientHost;
        var clock = Stopwatch.StartNew();
        var result = host.Tool(source);
        clock.Stop();

        Assert.True(expected == result.ErrorKind, $"{name}: expected {expected}, got {result}");
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        if (host == _host) Assert.True(clock.Elapsed < StoppedWithin, $"{name}: took {clock.Elapsed}");
        AssertServesTheNextCall(host, name);
    }
}
