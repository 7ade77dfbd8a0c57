namespace MicroAgi.Lua.Tests;

/// <summary>
/// The sandbox against real Lua 5.4: each snippet runs in a plain native state and in the sandbox,
/// and everything it returns or raises — values, their types, error messages with their line — must be
/// the same. The snippets use what the prelude re-implements or wraps (string matching, rep,
/// table.insert/remove/sort/concat/unpack, setmetatable, require…), where the two could drift apart.
/// </summary>
public sealed class LuaConformanceTests : IDisposable
{
    // Describes any values the same way in both worlds; bytes outside ASCII are escaped so the text
    // survives the sandbox's JSON result unchanged.
    private const string Harness = """
        local function show(v)
          local t = type(v)
          if t == "string" then
            return (string.format("%q", v):gsub("[\128-\255]", function(c) return "\\" .. c:byte() end))
          elseif t == "number" then
            return math.type(v) .. " " .. string.format("%.17g", v)
          elseif t == "table" then
            local parts = {}
            for i = 1, rawlen(v) do parts[i] = show(rawget(v, i)) end
            return "{" .. table.concat(parts, ",") .. "}"
          elseif t == "nil" or t == "boolean" then
            return tostring(v)
          end
          return t
        end
        local function all(ok, ...)
          local parts = {}
          for i = 1, select("#", ...) do parts[i] = show((select(i, ...))) end
          return (ok and "ok: " or "error: ") .. table.concat(parts, ", ")
        end
        local function handler()
          return all(pcall(function()

        """;

    private const string Footer = """

          end))
        end
        return { handler = handler }
        """;

    private readonly LuaTestHost _host = new();
    /// <summary>The sandbox as on a machine where the guarded C table functions were not built: the prelude's Lua ones.</summary>
    private readonly LuaTestHost _withoutGuardedTable = new(guardedTableFunctions: false);

    public void Dispose()
    {
        _host.Dispose();
        _withoutGuardedTable.Dispose();
    }

    private void AssertSameAsLua(string code) => AssertSameAsLua(code, withoutGuardedTableToo: true);

    /// <param name="withoutGuardedTableToo">False for what only the guarded C table functions do as C Lua does (docs/lua-sandbox.md).</param>
    private void AssertSameAsLua(string code, bool withoutGuardedTableToo)
    {
        var source = Harness + code + Footer;
        var expected = NativeLua.CallHandler(source, "test");
        var hosts = new[] { (_host, "the sandbox"), (_withoutGuardedTable, "the sandbox without the guarded table functions") };
        foreach (var (host, which) in hosts.Take(withoutGuardedTableToo ? 2 : 1))
        {
            var actual = host.Tool(source);
            Assert.True(actual.IsSuccess, $"{which} failed: {actual}");
            Assert.Equal(expected, (string?)actual.Value);
        }
    }

    [Theory]
    [InlineData("""return string.rep("x", "3")""")]
    [InlineData("""return string.rep("x", "3.0"), string.rep("ab", 2.0, ","), ("x"):rep("0x2")""")]
    [InlineData("""local r = string.rep("x", 2.5)""")]
    [InlineData("""local r = string.rep("x", "abc")""")]
    [InlineData("""local r = string.rep("x")""")]
    [InlineData("""local r = string.rep()""")]
    [InlineData("""return string.rep("x", -1), string.rep("", 5), string.rep("x", 0, "sep")""")]
    [InlineData("""local r = string.rep({}, 2)""")]
    [InlineData("""local r = string.rep("x", 2, {})""")]
    public void String_rep(string code) => AssertSameAsLua(code);

    // lstrlib refuses a result whose (length + separator) * n passes INT_MAX with an ordinary error,
    // before allocating: the separator counts n times there, so 2^30 "a"s with "," is refused too.
    [Theory]
    [InlineData("""local r = string.rep("a", 1 << 30, ",")""")]
    [InlineData("""local r = string.rep("ab", 1 << 30)""")]
    [InlineData("""return pcall(string.rep, "", math.maxinteger // 2 + 10, "aa")""")]
    public void String_rep_too_large_is_an_ordinary_error(string code) => AssertSameAsLua(code);

    [Theory]
    [InlineData("""return string.find("hello", "l"), ("hello"):find("l", "4"), ("hello"):find("l", 4.0)""")]
    [InlineData("""return string.find("a.b", ".", 1, true), string.find("a.b", "%."), string.find("a+b", "+", 1, 1)""")]
    [InlineData("""return string.find("abc", "b", -1), string.find("abc", "b", -10), string.find("abc", "", 10), string.find("abc", "", 4)""")]
    [InlineData("""local r = string.find("abc", "(")""")]
    [InlineData("""local r = string.find("abc", "%")""")]
    [InlineData("""local r = string.find("abc", "[a")""")]
    [InlineData("""local r = string.find("abc", "%b")""")]
    [InlineData("""local r = string.find("abc", "%f")""")]
    [InlineData("""local r = string.find("abc", "(()")""")]
    [InlineData("""local r = string.find("abc", "%1")""")]
    [InlineData("""local r = string.find(nil, "x")""")]
    [InlineData("""local r = string.find("x")""")]
    [InlineData("""local r = string.find("x", "x", "y")""")]
    [InlineData("""local r = string.find("x", "x", 1.5)""")]
    [InlineData("""return string.find(12345, 34), string.find("a1", 1)""")]
    public void String_find(string code) => AssertSameAsLua(code);

    [Theory]
    [InlineData("""return string.find("a\0b", "%z"), string.find("abz", "%Z+"), ("a\0b"):match("[%z]"), ("a\0b"):match("[^%z]+")""")]
    [InlineData("""return string.gsub("a\0b\0", "%z", "Z"), string.gsub("zz\0", "%Z", "-")""")]
    [InlineData("""return string.find("\0\0x", "%z+"), string.match("x\0y", "%Z%z%Z")""")]
    public void Percent_z_matches_the_zero_byte(string code) => AssertSameAsLua(code);

    [Theory]
    [InlineData("""return string.match("key=val", "(%w+)=(%w+)"), string.match("abc", "()b()"), string.match("  x ", "^%s*(.-)%s*$")""")]
    [InlineData("""return string.match("hello", ".-", "2"), string.match("hello", "l+", -3), string.match("hello", "x")""")]
    [InlineData("""return string.match("THE (quick) fox", "%((%a+)%)"), string.match("f(a(b)c)", "%b()"), string.match("THE", "%f[%a]%a+")""")]
    [InlineData("""return string.match("x", "((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))")""")]
    [InlineData("""local r = string.match()""")]
    [InlineData("""local r = string.match("abc", "(a)(b)%3")""")]
    public void String_match(string code) => AssertSameAsLua(code);

    [Theory]
    [InlineData("""local out = {} for k, v in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do out[#out + 1] = k .. v end return out""")]
    [InlineData("""local out = {} for w in ("one two  three"):gmatch("%a+") do out[#out + 1] = w end return out""")]
    [InlineData("""local out = {} for w in ("abc"):gmatch("", 2) do out[#out + 1] = w end return #out""")]
    [InlineData("""local out = {} for a, b in ("abc"):gmatch("()(.)", "2") do out[#out + 1] = a .. b end return out""")]
    [InlineData("""local r = string.gmatch("abc")""")]
    [InlineData("""local f = string.gmatch("abc", "(") local r = f()""")]
    [InlineData("""local out = {} for w in ("THE (quick) fox"):gmatch("%f[%a]%a+") do out[#out + 1] = w end return out""")]
    public void String_gmatch(string code) => AssertSameAsLua(code);

    [Theory]
    [InlineData("""return string.gsub("hello world", "o", "0"), string.gsub("hello", "l", "L", 1), string.gsub("hello", "l", "L", "1")""")]
    [InlineData("""return string.gsub("abc", "%w", "%0%0"), string.gsub("abc", "(%w)", "%1-"), string.gsub("abc", "", "-")""")]
    [InlineData("""local r = string.gsub("abc", "%w", "%2")""")]
    [InlineData("""local r = string.gsub("abc", "%w", "%")""")]
    [InlineData("""local r = string.gsub("abc", "%w", "%x")""")]
    [InlineData("""local r = string.gsub("abc", "%w", {a = 1, b = true})""")]
    [InlineData("""return string.gsub("abc", "%w", {a = 1, b = "B"}), string.gsub("abc", "%w", function(c) if c ~= "b" then return c:upper() end end)""")]
    [InlineData("""local r = string.gsub("abc", "%w", function() return {} end)""")]
    [InlineData("""local r = string.gsub("abc", "b", false)""")]
    [InlineData("""local r = string.gsub("abc", "b")""")]
    [InlineData("""return string.gsub("abc", "^a", "x"), string.gsub("abc", "x*", "-"), string.gsub("abc", "^", ">")""")]
    [InlineData("""return string.gsub("abc", "b", "x", -1), string.gsub("abc", "b", "x", 2.0)""")]
    [InlineData("""local r = string.gsub("abc", "b", "x", 1.5)""")]
    [InlineData("""local r = string.gsub("abc", "b", function() error("inside") end)""")]
    [InlineData("""return string.gsub("hello world", "(o)(r?)", "[%2%1]"), string.gsub("abc", "()", "%1")""")]
    public void String_gsub(string code) => AssertSameAsLua(code);

    // Lua 5.4 returns the subject itself when gsub replaced nothing (a long string is then the same
    // object, which %p shows); a callback returning false or nil replaces nothing.
    [Theory]
    [InlineData("""local s = ("a"):rep(100) return string.format("%p", s) == string.format("%p", (s:gsub("b", "c")))""")]
    [InlineData("""local s = ("a"):rep(100) return string.format("%p", s) == string.format("%p", (s:gsub(".", {x = "y"})))""")]
    [InlineData("""local s = ("a"):rep(100) return string.format("%p", s) == string.format("%p", (s:gsub(".", function() return false end)))""")]
    [InlineData("""local s = ("a"):rep(100) return string.format("%p", s) == string.format("%p", (s:gsub("a", "a", 1)))""")]
    [InlineData("""local s = ("a"):rep(100) return select(2, s:gsub(".", function() end)), select(2, s:gsub("a", {}, 5))""")]
    [InlineData("""return string.gsub(12, "3", "x"), math.type((string.gsub(12, "3", "x")))""")]
    public void String_gsub_that_replaces_nothing_returns_the_subject(string code) => AssertSameAsLua(code);

    // A library function as gsub's callback: C Lua calls it from C, so its error has no position; the
    // sandbox's wrappers must not point into the prelude ("[sandbox]:N:") instead.
    [Theory]
    [InlineData("""local r = string.gsub("s", "s", setmetatable)""")]
    [InlineData("""local r = string.gsub("s", "s", rawset)""")]
    [InlineData("""local r = string.gsub("abc", "%w", ipairs)""")]
    [InlineData("""return string.gsub("abc", "%w", string.upper), string.gsub("abc", "(%w)", tonumber)""")]
    public void A_library_function_as_a_gsub_callback_fails_as_in_Lua(string code) => AssertSameAsLua(code);

    // Metamethods that are not callable fail inside C Lua's loops, with no position; the prelude runs
    // those loops in Lua for tables with a metatable, and must not show its own position instead.
    [Theory]
    [InlineData("""table.insert(setmetatable({}, {__len = 5}), 1)""")]
    [InlineData("""local r = table.remove(setmetatable({1, 2}, {__len = true}), 1)""")]
    [InlineData("""table.insert(setmetatable({1, 2, 3}, {__newindex = 5}), 1, 0)""")]
    [InlineData("""local r = table.remove(setmetatable({1, 2, 3}, {__index = 5}), 1)""")]
    [InlineData("""table.move(setmetatable({}, {__index = 5}), 1, 3, 1, {})""")]
    [InlineData("""table.move({1, 2, 3}, 1, 3, 1, setmetatable({}, {__newindex = "x"}))""")]
    [InlineData("""local r = table.concat(setmetatable({}, {__index = 5}), ",", 1, 2)""")]
    [InlineData("""local r = table.concat(setmetatable({1, {}, 3}, {__index = 5}), ",", 1, 3)""")]
    [InlineData("""local r = table.unpack(setmetatable({}, {__index = 5}), 1, 2)""")]
    [InlineData("""table.sort(setmetatable({3, 2, 1}, {__len = {}}))""")]
    [InlineData("""local t = setmetatable({}, {__len = function() error("from len", 2) end}) table.insert(t, 1, 1)""")]
    [InlineData("""local t = setmetatable({}, {__index = function(_, k) error("no " .. k) end}) return table.concat(t, ",", 1, 1)""")]
    public void Metamethod_errors_inside_table_functions_have_no_position_in_the_sandbox(string code) => AssertSameAsLua(code);

    [Theory]
    [InlineData("""local t = {1, 2, 3} table.insert(t, 2, 9) table.insert(t, "1", 8) table.insert(t, 7) return t""")]
    [InlineData("""local t = {1, 2, 3} table.insert(t, 5, 9)""")]
    [InlineData("""local t = {1, 2, 3} table.insert(t, 0, 9)""")]
    [InlineData("""local t = {1, 2, 3} table.insert(t)""")]
    [InlineData("""local t = {1, 2, 3} table.insert(t, 1, 2, 3)""")]
    [InlineData("""table.insert(nil, 1)""")]
    [InlineData("""table.insert({}, "x", 1)""")]
    [InlineData("""table.insert({}, 1.5, 1)""")]
    [InlineData("""local t = {} table.insert(t, nil) table.insert(t, 1, nil) return #t""")]
    [InlineData("""local t = {1, 2, 3} return table.remove(t), table.remove(t, 1), table.remove(t, "1"), t, table.remove(t), table.remove(t)""")]
    [InlineData("""local t = {1, 2, 3} local r = table.remove(t, 5)""")]
    [InlineData("""local t = {1, 2, 3} return table.remove(t, 4), table.remove(t, 0)""")]
    [InlineData("""return table.remove({}, 0), table.remove({}, -1)""")]
    [InlineData("""local r = table.remove({}, -2)""")]
    [InlineData("""local r = table.remove("x")""")]
    [InlineData("""local t = setmetatable({}, {__len = function() return 2.5 end}) table.insert(t, 1)""")]
    [InlineData("""local t = setmetatable({}, {__len = function() return "3" end}) local r = table.remove(t) return r, rawlen(t)""")]
    [InlineData("""local t = setmetatable({1, 2, 3}, {__index = function(_, k) return k * 10 end}) table.insert(t, 1, 0) return t, table.remove(t, 2), t""")]
    [InlineData("""local log = {} local t = setmetatable({1, 2, 3}, {__newindex = function(t, k, v) log[#log + 1] = k rawset(t, k, v) end}) table.insert(t, 2, 9) return t, log""")]
    public void Table_insert_and_remove(string code) => AssertSameAsLua(code);

    // Appending to and removing the end of a table without a metatable take a short path in the prelude.
    [Theory]
    [InlineData("""local t = {[0] = "zero"} return table.remove(t), t[0], table.remove(t), #t""")]
    [InlineData("""local t = {1, 2, nil, 4} table.insert(t, 5) return #t, t[5] or t[3], table.remove(t), table.remove(t)""")]
    [InlineData("""local t = {n = 1} table.insert(t, false) table.insert(t, "x") return t, table.remove(t), table.remove(t), table.remove(t)""")]
    [InlineData("""table.insert(5, 1)""")]
    [InlineData("""table.insert("abc", 1)""")]
    [InlineData("""local r = table.remove(nil)""")]
    [InlineData("""local r = table.remove(false)""")]
    [InlineData("""local t = setmetatable({}, {__metatable = false}) table.insert(t, 1) table.insert(t, 2) return table.remove(t), rawlen(t)""")]
    public void Table_insert_at_the_end_and_remove_from_it(string code) => AssertSameAsLua(code);

    [Theory]
    [InlineData("""local t = {5, 2, 8, 1, 9, 3} table.sort(t) return t""")]
    [InlineData("""local t = {5, 2, 8, 1, 9, 3} table.sort(t, function(a, b) return a > b end) return t""")]
    [InlineData("""local t = {"b", "a", "C", "B"} table.sort(t) return t""")]
    [InlineData("""local t = {3, 1, "x"} table.sort(t)""")]
    [InlineData("""local t = {3, 1, {}} table.sort(t)""")]
    [InlineData("""table.sort({3, 1}, 3)""")]
    [InlineData("""table.sort("x")""")]
    [InlineData("""table.sort()""")]
    [InlineData("""local t = {} for i = 1, 200 do t[i] = (i * 7919) % 101 end table.sort(t) return t""")]
    [InlineData("""local t = {} for i = 1, 200 do t[i] = (i * 7919) % 101 end table.sort(t, function(a, b) return a > b end) return t""")]
    [InlineData("""local t = {} for i = 1, 300 do t[i] = 300 - i end table.sort(t) return t[1], t[300], #t""")]
    [InlineData("""local t = {1, 2, 3, nil, 5} table.sort(t) return t""")]
    [InlineData("""local t = {3, 2, 1} table.sort(t, function(a, b) error("no compare") end)""")]
    [InlineData("""local mt = {__lt = function() return true end} local t = {} for i = 1, 300 do t[i] = setmetatable({}, mt) end table.sort(t)""")]
    [InlineData("""local mt = {__lt = function(a, b) return a.v < b.v end} local t = {} for i = 1, 300 do t[i] = setmetatable({v = (i * 7919) % 301}, mt) end table.sort(t) return t[1].v, t[300].v""")]
    [InlineData("""local t = setmetatable({3, 1, 2}, {__index = function() return 0 end}) table.sort(t) return t""")]
    public void Table_sort(string code) => AssertSameAsLua(code);

    /// <summary>
    /// Where the prelude's Lua fallback differs from C Lua and the guarded C functions do not: a table
    /// function called through pcall or as a comparator is named as C Lua names it, a call in a tail
    /// position keeps the caller's line, a comparator cannot yield, and an order of equal elements.
    /// </summary>
    [Theory]
    [InlineData("""return pcall(table.insert, nil, 1)""")]
    [InlineData("""return pcall(table.remove, {}, 7)""")]
    [InlineData("""return pcall(table.move, {}, 1)""")]
    [InlineData("""return pcall(table.sort, {3, 1}, 5)""")]
    [InlineData("""table.sort({3, 1, 2}, table.sort)""")]
    [InlineData("local function f(t) return table.insert(t, 5, 1) end\nf({})")]
    [InlineData("local function f(t) return table.remove(t, 9) end\nlocal x = f({1})")]
    [InlineData("""local co = coroutine.wrap(function() table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end) end) co()""")]
    [InlineData("""local t = {} for i = 1, 10000 do t[i] = {k = i % 10, i = i} end table.sort(t, function(a, b) return a.k < b.k end) local out = {} for i = 1, 10000, 371 do out[#out + 1] = t[i].i end return out""")]
    [InlineData("""local t = {} for i = 1, 10000 do t[i] = i % 2 == 0 and i or i + 0.0 end t[5000] = "x" table.sort(t)""")]
    [InlineData("""local t = setmetatable({}, {__index = function(_, i) return -i end, __len = function() return 5 end}) table.sort(t) return rawget(t, 1), rawget(t, 5)""")]
    [InlineData("""return table.move({1, 2, 3, 4, 5}, 2, 5, 1), table.move({1, 2, 3, 4, 5}, 1, 4, 2)""")]
    public void Table_functions_as_C_Lua_has_them(string code) => AssertSameAsLua(code, withoutGuardedTableToo: false);

    /// <summary>Past 4096 elements the sandbox sorts runs with C Lua's sort and merges them: the result must be the same.</summary>
    [Theory]
    [InlineData("""local x = 42 for i = 1, n do x = (x * 1103515245 + 12345) % 2147483648 t[i] = x end""")]
    [InlineData("""local x = 42 for i = 1, n do x = (x * 1103515245 + 12345) % 2147483648 t[i] = "w" .. x end""")]
    [InlineData("""for i = 1, n do t[i] = i % 17 + i / 1e6 end""")]
    [InlineData("""for i = 1, n do t[i] = i end""")]
    [InlineData("""for i = 1, n do t[i] = n - i end""")]
    [InlineData("""for i = 1, n do t[i] = i % 3 end""")]
    public void Sorting_many_elements_gives_what_Lua_gives(string fill)
    {
        foreach (var n in new[] { 4096, 4097, 10000, 30001 })
        {
            AssertSameAsLua($$"""
                local n, t = {{n}}, {}
                {{fill}}
                table.sort(t)
                local sum = 0
                for i = 2, n do assert(not (t[i] < t[i - 1]), "not sorted at " .. i) end
                for i = 1, n, 97 do sum = sum + #tostring(t[i]) * i end
                return #t, t[1], t[n], t[n // 2], sum
                """);
        }
    }

    /// <summary>Which two values meet first depends on the order of comparisons: the message may name the two types either way round (docs/lua-sandbox.md).</summary>
    [Fact]
    public void Sorting_many_elements_of_two_types_fails_as_Lua_does()
    {
        var result = _host.Handler("""
            local t = {}
            for i = 1, 10000 do t[i] = i end
            t[5000] = "x"
            local ok, problem = pcall(table.sort, t)
            return problem
            """);
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Matches("^attempt to compare (number with string|string with number)$", (string?)result.Value);
    }

    [Theory]
    [InlineData("""return require("string") == string, require("table") == table, require("math") == math, require("utf8") == utf8""")]
    [InlineData("""return require("string").format("%d", 3), require("table").concat({1, 2}, "-"), require("math").max(1, 5), require("utf8").char(72)""")]
    [InlineData("""return require("coroutine") == coroutine""")]
    public void Require_returns_the_standard_libraries(string code) => AssertSameAsLua(code);

    [Theory]
    [InlineData("""setmetatable(1, {})""")]
    [InlineData("""setmetatable({}, 1)""")]
    [InlineData("""setmetatable({})""")]
    [InlineData("""setmetatable(setmetatable({}, {__metatable = "locked"}), {})""")]
    [InlineData("""return getmetatable(setmetatable({}, {__metatable = "locked"}))""")]
    [InlineData("""local t = setmetatable({}, {__index = function(_, k) return k .. "!" end}) return t.x, rawget(t, "x")""")]
    [InlineData("""rawset(1, 2, 3)""")]
    [InlineData("""rawset({}, nil, 3)""")]
    [InlineData("""return rawset({}, "a", 3).a""")]
    [InlineData("""return xpcall(function() error("e") end, function(m) return "handled: " .. m end)""")]
    [InlineData("""return xpcall(function(a, b) return a + b end, print, 1, 2)""")]
    [InlineData("""xpcall(function() end)""")]
    [InlineData("""local function f() error("deep", 2) end f()""")]
    [InlineData("""error("plain", 0)""")]
    [InlineData("""error({code = 1})""")]
    [InlineData("""local s = "x" return s:bad()""")]
    [InlineData("""return ("x"):upper(), #"abc", ("%d"):format(5)""")]
    [InlineData("""return table.concat({1, 2, 3}, ", ", 2), table.concat({}, "x")""")]
    [InlineData("""local r = table.concat({1, {}, 3})""")]
    [InlineData("""local r = table.concat({1, 2}, ", ", "1", "2")""")]
    [InlineData("""return table.unpack({1, 2, 3}, 2), table.unpack({1, 2, 3}, "2", "3")""")]
    [InlineData("""return table.move({1, 2, 3}, 1, 3, 2), table.move({1, 2, 3}, "1", "2", "3", {})""")]
    [InlineData("""local r = table.move({1, 2, 3}, 1, math.maxinteger, 2)""")]
    [InlineData("""local r = table.move({1}, -1, math.maxinteger, 2)""")]
    [InlineData("""local r = table.move({1}, 1, 2)""")]
    [InlineData("""local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end) return co(1), co(5)""")]
    [InlineData("""local co = coroutine.wrap(function() error("in co") end) co()""")]
    [InlineData("""local co = coroutine.wrap(function() end) co() co()""")]
    [InlineData("""coroutine.wrap(1)""")]
    [InlineData("""return coroutine.close(coroutine.create(function() end))""")]
    public void Base_functions_and_errors(string code) => AssertSameAsLua(code);

    [Theory]
    [InlineData("""return utf8.char(72, 228, 8364), utf8.len("häll€"), utf8.codepoint("häll€", 1, -1), utf8.offset("häll€", 3)""")]
    [InlineData("""local out = {} for p, c in utf8.codes("hé€") do out[#out + 1] = p .. ":" .. c end return out""")]
    [InlineData("""return utf8.len("\xff"), utf8.charpattern""")]
    [InlineData("""return math.tointeger("8"), math.tointeger(3.0), math.floor(-3.5), math.max(1, 2.5), math.type(1), math.type(1.0), math.type("1")""")]
    [InlineData("""return math.fmod(7, 3), math.fmod(-7, 3), math.abs(math.mininteger), 7 // 2, 7.0 // 2, 2^53, 10 % -3""")]
    [InlineData("""local r = math.fmod(1, 0)""")]
    [InlineData("""return tonumber("0x10"), tonumber("10", 2), tonumber("  12  "), tonumber("1e2"), tonumber("z", 36), tonumber("8", 8)""")]
    [InlineData("""return string.format("%5.1f|%-5d|%q|%x|%s", 3.14159, 42, "a\nb", 255, {} ~= nil)""")]
    [InlineData("""return ("abc"):byte(1, -1), string.char(104, 105), ("hello"):sub(2, -2), ("hello"):sub("2", "3"), ("Hello"):lower(), ("x"):len()""")]
    [InlineData("""return string.pack("i4", 7):len(), string.unpack("i4", string.pack("i4", 7)), string.packsize("i4i8")""")]
    public void Standard_library_functions_left_native(string code) => AssertSameAsLua(code);

    [Fact]
    public void Sort_stays_n_log_n_against_an_adversarial_comparator()
    {
        // McIlroy's "killer adversary for quicksort": values are decided only as comparisons need
        // them, always so that the pivot is the worst choice. Any quicksort alone then makes about
        // n²/4 comparisons (a million here); the heapsort fallback keeps it near n log n.
        var result = _host.Handler("""
            local n = 2000
            local gas, solid, candidate, comparisons = n, 0, 0, 0
            local value, t = {}, {}
            for i = 1, n do t[i] = i value[i] = gas end
            local function freeze(x) value[x] = solid solid = solid + 1 end
            table.sort(t, function(x, y)
              comparisons = comparisons + 1
              if value[x] == gas and value[y] == gas then
                if x == candidate then freeze(x) else freeze(y) end
              end
              if value[x] == gas then candidate = x elseif value[y] == gas then candidate = y end
              return value[x] < value[y]
            end)
            for i = 2, n do assert(value[t[i - 1]] < value[t[i]], "not sorted") end
            return comparisons
            """);
        Assert.True(result.IsSuccess, result.ToString());
        Assert.InRange((int)result.Value!, 1, 200_000);
    }

    [Fact]
    public void An_invalid_order_function_is_reported_at_the_callers_line()
    {
        var result = _host.Handler("""
            local t = {}
            for i = 1, 300 do t[i] = i % 7 end
            local ok, problem = pcall(function()
              table.sort(t, function(a, b) return true end)
            end)
            return problem
            """);
        Assert.Equal("test:5: invalid order function for sorting", (string?)result.Value);
    }

    [Fact]
    public void A_re_implemented_function_called_in_a_tail_position_never_points_into_the_sandbox()
    {
        // `return string.rep()` replaces the caller's frame by the sandbox's Lua function, so the
        // error names the line that called the caller (documented in docs/lua-sandbox.md).
        var result = _host.Handler("""
            local function f() return string.rep() end
            local ok, problem = pcall(function()
              local x = f()
            end)
            return problem
            """);
        Assert.Equal("test:4: bad argument #1 to 'rep' (string expected, got no value)", (string?)result.Value);
    }

    [Fact]
    public void Pairs_of_G_lists_the_calls_globals_and_the_standard_ones_once_each()
    {
        var result = _host.Handler("""
            mine = 1
            print = "replaced"
            local seen, count = {}, 0
            for key, value in pairs(_G) do
              if seen[key] then return "twice: " .. key end
              seen[key], count = value, count + 1
            end
            return table.concat({ tostring(seen.mine), tostring(seen.print), type(seen.string), type(seen.pairs),
              tostring(seen.load), tostring(count > 20) }, " ")
            """);
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("1 replaced table function nil true", (string?)result.Value);
    }

    [Theory]
    [InlineData("local x = ipairs(nil)", "test:2: bad argument #1 to 'ipairs' (table expected, got nil)")]
    [InlineData("local x = setmetatable({}, {__gc = print})", "test:2: __gc metamethods are not allowed in the sandbox")]
    [InlineData("local x = require('io')", "test:2: module 'io' not found")]
    [InlineData("return string.dump(print)", "test:2: attempt to call a nil value (field 'dump')")]
    public void Deliberate_differences_from_Lua_fail_clearly(string body, string error)
    {
        var result = _host.Handler(body);
        Assert.Equal(error, result.Error);
    }
}
