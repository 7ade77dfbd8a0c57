using System.Diagnostics;
using MicroAgi.Lua.Functions;

namespace MicroAgi.Lua.Tests;

/// <summary>
/// Escape and exhaustion attempts. Each must end in a clean error of the expected kind, well within a
/// generous bound (the deadline is 200 ms; 5 s proves it stopped), and the runtime must serve the
/// next call.
/// </summary>
public sealed class HostileCodeTests : IDisposable
{
    private static readonly TimeSpan StoppedWithin = TimeSpan.FromSeconds(5);
    private readonly LuaTestHost _host = new(LuaTestHost.ShortDeadline);

    // Only the timeout cases run against the 200 ms deadline. The others (memory, result size, escapes)
    // are about another limit, and on a busy machine a short deadline could fire first.
    private readonly LuaTestHost _patientHost = new(LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromSeconds(30) });

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
        { "modifying the string library", "string.upper = function() return 'pwned' end", FunctionErrorKind.RuntimeError },
        { "rawset on the string library", "rawset(string, 'upper', function() return 'pwned' end)", FunctionErrorKind.RuntimeError },
        { "replacing the metatable of a library", "setmetatable(table, {})", FunctionErrorKind.RuntimeError },
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
        Assert.True(clock.Elapsed < (host == _patientHost ? TimeSpan.FromSeconds(30) : StoppedWithin), $"{name}: took {clock.Elapsed}");
        var next = host.Handler("return 'still here'");
        Assert.True(next.IsSuccess, $"after {name}: {next}");
        Assert.Equal("\"still here\"", next.Value!.ToJsonString());
    }
}
