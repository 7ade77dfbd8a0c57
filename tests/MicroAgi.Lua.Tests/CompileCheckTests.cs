using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;

namespace MicroAgi.Lua.Tests;

public sealed class CompileCheckTests : IDisposable
{
    private readonly LuaRuntime _runtime = new(new LuaRuntimeOptions { Limits = LuaTestHost.SmallLimits });

    public void Dispose() => _runtime.Dispose();

    private LuaCheckResult Check(string source, string method = "handler", params string[] modules) =>
        _runtime.Check(new LuaFunctionSource(source, method, modules, "my_tool"));

    [Fact]
    public void A_well_formed_tool_is_valid()
    {
        var result = Check("local json = require('json')\nlocal function handler(i) return json.encode(i) end\nreturn { handler = handler }", "handler", "json");
        Assert.True(result.IsValid, result.Error);
        Assert.Null(result.Line);
    }

    [Fact]
    public void A_syntax_error_names_the_line()
    {
        var result = Check("local function handler(input)\n  local x = \nend\nreturn { handler = handler }");
        Assert.False(result.IsValid);
        Assert.Equal(3, result.Line);
        Assert.Equal("my_tool:3: unexpected symbol near 'end'", result.Error);
    }

    [Fact]
    public void A_chunk_that_returns_nothing_is_refused_with_the_fix()
    {
        var result = Check("local function handler() end");
        Assert.Equal("the source must end with `return { handler = handler }`: it returned nothing", result.Error);
    }

    [Fact]
    public void A_table_without_the_method_lists_what_it_has()
    {
        var result = Check("return { run = function() end }");
        Assert.Equal("the table returned by the source has no function 'handler' (it has: run); end the source with `return { handler = handler }`", result.Error);
    }

    [Fact]
    public void A_runtime_error_at_load_time_names_the_line()
    {
        var result = Check("local x = nil\nlocal y = x.field\nreturn { handler = function() end }");
        Assert.Equal("loading the tool failed: my_tool:2: attempt to index a nil value (local 'x')", result.Error);
        Assert.Equal(2, result.Line);
    }

    [Fact]
    public void Requiring_an_unlisted_module_at_load_time_fails()
    {
        var result = Check("local http = require('http_client')\nreturn { handler = function() end }");
        Assert.Equal("loading the tool failed: my_tool:1: module 'http_client' not found", result.Error);
    }

    [Fact]
    public void Unknown_modules_are_refused_before_compiling()
    {
        var result = Check("return { handler = function() end }", "handler", "json", "socket");
        Assert.Equal("unknown module 'socket' (available: base64, crypto, expr, hash, http_client, json, text, time, url, uuid, yaml)", result.Error);
    }

    [Fact]
    public void Binary_chunks_are_refused()
    {
        var result = Check("\u001bLua\u0054\u0000garbage");
        Assert.False(result.IsValid);
        Assert.Contains("attempt to load a binary chunk (mode is 't')", result.Error);
    }

    [Fact]
    public void An_endless_loop_at_load_time_is_a_timeout()
    {
        using var runtime = new LuaRuntime(new LuaRuntimeOptions { Limits = LuaTestHost.ShortDeadline });
        var result = runtime.Check(new LuaFunctionSource("while true do end\nreturn { handler = function() end }", name: "tool"));
        Assert.Equal("timeout: the call ran longer than 200 ms", result.Error);
    }

    /// <summary>table.concat calling a C __index used to loop inside C at load time, where no hook runs: tools create hung.</summary>
    [Fact]
    public void A_library_function_looping_over_metamethods_at_load_time_is_a_timeout()
    {
        using var runtime = new LuaRuntime(new LuaRuntimeOptions { Limits = LuaTestHost.ShortDeadline });
        var source = "local s = table.concat(setmetatable({}, {__index = table.concat}), '', 1, math.maxinteger)\nreturn { handler = function() end }";
        var result = runtime.Check(new LuaFunctionSource(source, name: "tool"));
        Assert.Equal("timeout: the call ran longer than 200 ms", result.Error);
    }

    [Fact]
    public async Task A_source_can_be_run_on_an_input_without_any_registry_entry()
    {
        var tool = new LuaFunctionSource("return { handler = function(input) return { doubled = input.n * 2 } end }");
        var result = await _runtime.RunAsync(tool, new JsonObject { ["n"] = 21 });
        Assert.Equal("""{"doubled":42}""", result.ValueJson);
        var failing = await _runtime.RunAsync(tool, new JsonObject());
        Assert.Equal(FunctionErrorKind.RuntimeError, failing.ErrorKind);
        Assert.Equal("tool:1: attempt to perform arithmetic on a nil value (field 'n')", failing.Error);
    }

    [Fact]
    public async Task Run_accepts_per_call_limits()
    {
        var tool = new LuaFunctionSource("return { handler = function() local t = {} for i = 1, 1e7 do t[i] = i end return #t end }");
        var result = await _runtime.RunAsync(tool, null, LuaTestHost.SmallLimits with { MemoryBytes = 2 * 1024 * 1024, Timeout = TimeSpan.FromSeconds(5) });
        Assert.Equal(FunctionErrorKind.MemoryLimit, result.ErrorKind);
        Assert.Equal("memory limit exceeded: the call needed more than 2097152 bytes", result.Error);
    }

    [Fact]
    public void Limits_out_of_range_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new LuaRuntime(new LuaRuntimeOptions { Limits = new LuaLimits { Timeout = TimeSpan.Zero } }));
        Assert.StartsWith("LuaLimits.Timeout must be between 0 and 1 hour", error.Message);
    }
}
