using MicroAgi.Functions;

namespace MicroAgi.Lua.Tests;

/// <summary>
/// Each call gets its own plain copies of the standard libraries (docs/lua-sandbox.md, "Globals and
/// libraries"): a call may change them as Lua code changes `table` or `math`, and the change dies with
/// the call — neither the next call of the same tool (sequential calls reuse its idle state) nor
/// another tool sees it.
/// </summary>
public sealed class LibraryCopyTests : IDisposable
{
    private readonly LuaTestHost _host = new();

    public void Dispose() => _host.Dispose();

    private const string Overwriting = """
        local function handler(input)
          local before = {}
          table.insert(before, 7)
          local normal = before[1] .. " " .. math.floor(2.5)
          if input == "overwrite" then
            table.insert = function() error("overwritten insert") end
            math.floor = function() return "overwritten floor" end
            local t = {}
            local ok, problem = pcall(table.insert, t, 1)
            return normal .. " | " .. tostring(math.floor(1.5)) .. " " .. tostring(problem):match("overwritten insert")
          end
          return normal
        end
        return { handler = handler }
        """;

    [Fact]
    public void A_call_that_overwrites_library_functions_changes_only_itself()
    {
        Assert.Equal("7 2 | overwritten floor overwritten insert", (string?)_host.Tool(Overwriting, "overwrite").Value);
        // The same tool again, in the state the first call used: the libraries are as Lua has them.
        Assert.Equal("7 2", (string?)_host.Tool(Overwriting, "again").Value);
        // Another tool of the same runtime.
        Assert.Equal("7 2", _host.Json("local t = {} table.insert(t, 7) return t[1] .. ' ' .. math.floor(2.5)").Trim('"'));
    }

    [Fact]
    public void Each_call_gets_a_fresh_copy_of_a_library()
    {
        const string source = """
            local function handler()
              local seen = tostring(table.mine) .. " " .. tostring(rawget(string, "mine"))
              table.mine = 1
              rawset(string, "mine", 2)
              setmetatable(math, { __index = function() return "from a metatable" end })
              return seen .. " " .. tostring(math.nothing)
            end
            return { handler = handler }
            """;
        Assert.Equal("nil nil from a metatable", (string?)_host.Tool(source).Value);
        Assert.Equal("nil nil from a metatable", (string?)_host.Tool(source).Value);
    }

    [Fact]
    public void Changing_the_string_library_does_not_change_string_methods()
    {
        // The string metatable's __index is the state's shared library, which no call can reach.
        Assert.Equal("xxx no", _host.Json("string.rep = function() return 'no' end return ('x'):rep(3) .. ' ' .. string.rep('x', 3)").Trim('"'));
        Assert.Equal("XXX", _host.Json("string.upper = function() return 'pwned' end return ('xxx'):upper()").Trim('"'));
    }

    [Fact]
    public void A_library_the_call_removed_stays_removed_as_in_Lua()
    {
        var result = _host.Handler("table = nil\ntable.insert({}, 1)");
        Assert.Equal(FunctionErrorKind.RuntimeError, result.ErrorKind);
        Assert.Equal("test:3: attempt to index a nil value (global 'table')", result.Error);
        // Removed after being used: the same.
        result = _host.Handler("local t = {} table.insert(t, 1)\ntable = nil\ntable.insert(t, 2)");
        Assert.Equal("test:4: attempt to index a nil value (global 'table')", result.Error);
        result = _host.Handler("print = nil\nprint('x')");
        Assert.Equal("test:3: attempt to call a nil value (global 'print')", result.Error);
    }

    [Fact]
    public void Require_returns_the_library_the_call_sees()
    {
        Assert.Equal("[true,true,true]", _host.Json("""
            table.mine = 1
            local a = require("table") == table
            local b = require("math") == math and require("os") == os
            local c = require("string").mine == nil
            return { a, b, c }
            """));
        // After `table = nil` Lua's require still finds the library.
        Assert.Equal("[1,3]", _host.Json("table = nil local t = {} require('table').insert(t, 1) return { t[1], require('table').unpack({3}) }"));
    }

    [Fact]
    public void The_globals_table_holds_the_standard_globals_once_read()
    {
        Assert.Equal("[false,true,true,true]", _host.Json("""
            local before = rawget(_G, "table") ~= nil
            local t = table
            return { before, rawget(_G, "table") == t, _G.table == table, _G.math.floor(1.5) == 1 }
            """));
    }
}
