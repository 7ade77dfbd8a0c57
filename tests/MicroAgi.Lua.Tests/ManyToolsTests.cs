using System.Globalization;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;

namespace MicroAgi.Lua.Tests;

/// <summary>More tools in use than the runtime keeps states for: they keep working, and none is compiled twice.</summary>
public sealed class ManyToolsTests
{
    private static LuaFunctionSource Tool(int n) => new(
        string.Create(CultureInfo.InvariantCulture, $$"""
            local function handler(input)
              if input.fail then error("tool {{n}} failed") end
              return { tool = {{n}}, echo = input.value }
            end
            return { handler = handler }
            """), "handler", [], string.Create(CultureInfo.InvariantCulture, $"tool{n}"));

    private static FunctionResult Run(LuaRuntime runtime, LuaFunctionSource tool, JsonNode input) =>
        runtime.Run(tool, input, runtime.Options.Limits, CancellationToken.None);

    [Fact]
    public void Tools_in_rotation_beyond_the_state_cache_answer_correctly_and_compile_once()
    {
        using var runtime = new LuaRuntime(new LuaRuntimeOptions { Limits = LuaTestHost.SmallLimits, MaxCachedTools = 3 });
        var tools = Enumerable.Range(0, 10).Select(Tool).ToArray();
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < tools.Length; i++)
            {
                var result = Run(runtime, tools[i], new JsonObject { ["value"] = round });
                Assert.True(result.IsSuccess, result.ToString());
                Assert.Equal(i, (int)result.Value!["tool"]!);
                Assert.Equal(round, (int)result.Value!["echo"]!);
                Assert.True(runtime.ToolsWithStates <= 3, $"{runtime.ToolsWithStates} tools keep states, more than the 3 allowed");
            }
        }
        Assert.Equal(10, runtime.CachedToolCount);
        Assert.All(tools, tool => Assert.Equal(1, runtime.PoolFor(tool).Compilations));
    }

    [Fact]
    public void A_tool_loaded_from_its_compiled_chunk_reports_errors_with_its_name_and_line()
    {
        using var runtime = new LuaRuntime(new LuaRuntimeOptions { Limits = LuaTestHost.SmallLimits, MaxCachedTools = 1 });
        var first = Tool(1);
        Assert.True(Run(runtime, first, new JsonObject()).IsSuccess);
        // Another tool takes the only place that keeps states, so the next call of the first needs a new state.
        Assert.True(Run(runtime, Tool(2), new JsonObject()).IsSuccess);
        var failed = Run(runtime, first, new JsonObject { ["fail"] = true });
        Assert.Equal("tool1:2: tool 1 failed", failed.Error);
        Assert.Equal(1, runtime.PoolFor(first).Compilations);
    }

    [Fact]
    public void Tools_beyond_the_compiled_cache_are_dropped_and_compiled_again_when_called()
    {
        using var runtime = new LuaRuntime(new LuaRuntimeOptions { Limits = LuaTestHost.SmallLimits, MaxCachedTools = 2, MaxCompiledTools = 4 });
        var tools = Enumerable.Range(0, 6).Select(Tool).ToArray();
        foreach (var tool in tools)
            Assert.True(Run(runtime, tool, new JsonObject()).IsSuccess);
        Assert.Equal(4, runtime.CachedToolCount);
        Assert.True(runtime.ToolsWithStates <= 2);
        var again = Run(runtime, tools[0], new JsonObject { ["value"] = "x" });
        Assert.Equal("x", (string)again.Value!["echo"]!);
    }

    [Fact]
    public void Fewer_compiled_tools_than_tools_with_states_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new LuaRuntime(new LuaRuntimeOptions { MaxCachedTools = 10, MaxCompiledTools = 5 }));
        Assert.Contains("MaxCompiledTools must be at least MaxCachedTools", error.Message, StringComparison.Ordinal);
    }
}
