using MicroAgi.Functions;
using MicroAgi.Lua.Native;
using MicroAgi.Lua.Runtime;

namespace MicroAgi.Lua.Tests;

/// <summary>
/// The guarded C table functions (src/MicroAgi.Lua/Native/guarded_table.c): built and in use, every loop
/// stopped by the call's limits, a sort that no input or order function makes quadratic. Cases that
/// must hold for the prelude's Lua fallback too run on both (<see cref="Hosts"/>); what both must
/// return exactly as C Lua does is in <see cref="LuaConformanceTests"/>.
/// </summary>
public sealed class GuardedTableTests : IDisposable
{
    /// <summary>Limits with a deadline no busy machine reaches: what these tests bound is counted (comparisons), or is another limit.</summary>
    private static readonly LuaLimits Patient = LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromSeconds(120) };

    private readonly LuaTestHost _host = new(Patient);
    private readonly LuaTestHost _fallback = new(Patient, guardedTableFunctions: false);
    private readonly LuaTestHost _shortDeadline = new(LuaTestHost.ShortDeadline);
    private readonly LuaTestHost _shortDeadlineFallback = new(LuaTestHost.ShortDeadline, guardedTableFunctions: false);

    public void Dispose()
    {
        _host.Dispose();
        _fallback.Dispose();
        _shortDeadline.Dispose();
        _shortDeadlineFallback.Dispose();
    }

    private IEnumerable<(LuaTestHost Host, string Which)> Hosts(bool shortDeadline = false) => shortDeadline
        ? [(_shortDeadline, "guarded C functions"), (_shortDeadlineFallback, "prelude's Lua functions")]
        : [(_host, "guarded C functions"), (_fallback, "prelude's Lua functions")];

    [Fact]
    public void The_library_is_built_and_the_sandbox_uses_it()
    {
        Assert.True(GuardedTable.Functions is not null, $"the guarded table functions are not available: {GuardedTable.Unavailable}");
        // Only a C function makes a yield inside its comparator fail, as in C Lua; the Lua fallback's
        // comparator runs as Lua code and may yield (docs/lua-sandbox.md).
        const string YieldInComparator = """
            local co = coroutine.create(function()
              table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end)
            end)
            local ok, problem = coroutine.resume(co)
            return tostring(ok) .. " " .. tostring(problem)
            """;
        Assert.Equal("false attempt to yield across a C-call boundary", (string?)_host.Handler(YieldInComparator).Value);
        Assert.Equal("true nil", (string?)_fallback.Handler(YieldInComparator).Value);
    }

    /// <summary>
    /// A __len that returns a huge length, with no __index/__newindex: C Lua's loops then run without a
    /// single VM instruction, so only the guarded loops' own checks can stop them.
    /// </summary>
    [Theory]
    [InlineData("table.insert(t, 1, 'x')")]
    [InlineData("table.insert(t, 2, 'x')")]
    [InlineData("table.remove(t, 1)")]
    [InlineData("table.sort(t, function(a, b) return false end)")]
    [InlineData("table.move(t, 1, math.maxinteger - 1, 2)")]
    [InlineData("table.move({}, 1, math.maxinteger - 1, 2, t)")]
    [InlineData("pcall(table.insert, t, 1, 'x') return 'caught'")]
    public void A_huge_length_stops_at_the_deadline(string call)
    {
        var body = $"local t = setmetatable({{}}, {{__len = function() return 2147483646 end}})\n{call}";
        foreach (var (host, which) in Hosts(shortDeadline: true))
        {
            var result = host.Handler(body);
            Assert.True(result.ErrorKind == FunctionErrorKind.Timeout, $"{which}: {result}");
        }
    }

    public static TheoryData<string, string> Inputs => new()
    {
        { "random", "local x = 7 for i = 1, n do x = (x * 1103515245 + 12345) % 2147483648 t[i] = x end" },
        { "sorted", "for i = 1, n do t[i] = i end" },
        { "reversed", "for i = 1, n do t[i] = n - i end" },
        { "all equal", "for i = 1, n do t[i] = 5 end" },
        { "organ pipe", "for i = 1, n do t[i] = math.min(i, n - i) end" },
        { "sawtooth", "for i = 1, n do t[i] = i % 17 end" },
        // Musser's median-of-3 killer for a middle-element pivot, shifted by one as Lua's indices are.
        { "median-of-3 killer", "local k = n // 2 for i = 1, k do if i % 2 == 1 then t[i] = i else t[i] = k + i - 1 end t[k + i] = 2 * i end" },
    };

    /// <summary>Bounded in comparisons, not seconds: about n log2 n for every input, with the default order and with a comparator.</summary>
    [Theory]
    [MemberData(nameof(Inputs))]
    public void Sorting_adversarial_inputs_takes_n_log_n_comparisons(string name, string fill)
    {
        foreach (var (host, which) in Hosts())
        {
            var result = host.Handler($$"""
                local n, t, count = 20000, {}, 0
                {{fill}}
                local byComparator = {}
                for i = 1, n do byComparator[i] = t[i] end
                table.sort(byComparator, function(a, b) count = count + 1 return a < b end)
                local viaComparator = count
                -- The default order compares with __lt when the elements are tables.
                local mt = {__lt = function(a, b) count = count + 1 return a.v < b.v end}
                local boxed = {}
                for i = 1, n do boxed[i] = setmetatable({v = t[i]}, mt) end
                count = 0
                table.sort(boxed)
                for i = 2, n do
                  assert(not (byComparator[i] < byComparator[i - 1]), "not sorted at " .. i)
                  assert(not (boxed[i].v < boxed[i - 1].v), "not sorted at " .. i)
                end
                return { viaComparator, count }
                """);
            Assert.True(result.IsSuccess, $"{name}, {which}: {result}");
            // n log2 n is about 286,000 here; the sort's budget is 4 n log2 n before heapsort takes over.
            foreach (var comparisons in result.Value!.AsArray()) Assert.InRange((int)comparisons!, 1, 8 * 286_000);
        }
    }

    [Theory]
    [InlineData("return true")]
    [InlineData("return false")]
    [InlineData("state = (state * 1103515245 + 12345) % 2147483648 return state % 3 == 0")]
    [InlineData("return a % 7 < b % 5")]
    [InlineData("return a <= b")]
    public void An_inconsistent_order_function_gives_Luas_error_or_a_permutation(string comparator)
    {
        foreach (var n in new[] { 5, 150, 5000 })
        {
            var result = _host.Handler($$"""
                local n, t, count, state = {{n}}, {}, 0, 1
                for i = 1, n do t[i] = i end
                local ok, problem = pcall(table.sort, t, function(a, b) count = count + 1 {{comparator}} end)
                if not ok then return problem end
                local seen = {}
                for i = 1, n do
                  local v = t[i]
                  if seen[v] or math.type(v) ~= "integer" or v < 1 or v > n then return "not a permutation at " .. i end
                  seen[v] = true
                end
                return count <= 8 * n * 13 and "permutation" or "too many comparisons: " .. count
                """);
            Assert.True(result.IsSuccess, result.ToString());
            // Called through pcall, the error has no position (C Lua's has none there either).
            Assert.Matches("^(permutation|invalid order function for sorting)$", (string?)result.Value);
        }
    }

    [Fact]
    public void A_comparator_that_fails_or_reaches_a_limit()
    {
        var error = _host.Handler("""
            local ok, problem = pcall(table.sort, {3, 2, 1}, function(a, b) error({code = a}) end)
            return type(problem) == "table" and problem.code
            """);
        Assert.True(error.IsSuccess, error.ToString());
        var memory = _host.Handler("""
            local big = {}
            pcall(table.sort, {3, 2, 1, 5, 4}, function(a, b)
              for i = 1, 1e9 do big[i] = ("x"):rep(100) .. i end
            end)
            return "survived"
            """);
        Assert.Equal(FunctionErrorKind.MemoryLimit, memory.ErrorKind);
        var time = _shortDeadline.Handler("""
            pcall(table.sort, {3, 2, 1}, function() while true do end end)
            return "survived"
            """);
        Assert.Equal(FunctionErrorKind.Timeout, time.ErrorKind);
    }

    [Fact]
    public void A_tool_works_again_after_a_call_reached_a_limit()
    {
        const string Tool = """
            local function handler(input)
              local t = {}
              if input.stall then t = setmetatable({}, {__len = function() return 2147483646 end}) end
              for i = 1, 3 do table.insert(t, 1, i) end
              table.sort(t)
              table.move(t, 1, 3, 2)
              return table.remove(t) .. table.remove(t, 1)
            end
            return { handler = handler }
            """;
        var stalled = _shortDeadline.Tool(Tool, new System.Text.Json.Nodes.JsonObject { ["stall"] = true });
        Assert.Equal(FunctionErrorKind.Timeout, stalled.ErrorKind);
        var again = _shortDeadline.Tool(Tool, new System.Text.Json.Nodes.JsonObject { ["stall"] = false });
        Assert.True(again.IsSuccess, again.ToString());
        Assert.Equal("31", (string?)again.Value);
    }

    [Fact]
    public async Task Cancellation_stops_a_guarded_loop()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var runtime = _host.Runtime;
        var result = await runtime.RunAsync(
            new LuaFunctionSource("""
                local function handler()
                  table.move({}, 1, math.maxinteger - 1, 2)
                end
                return { handler = handler }
                """, "handler", [], "test"), null, cancellationToken: cancel.Token);
        Assert.Equal(FunctionErrorKind.Cancelled, result.ErrorKind);
    }
}
