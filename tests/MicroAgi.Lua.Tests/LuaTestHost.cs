using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Lua.Modules;

namespace MicroAgi.Lua.Tests;

/// <summary>A runtime with small limits so hostile tests stay fast, plus helpers to run snippets.</summary>
internal sealed class LuaTestHost : IDisposable
{
    // Healthy calls take microseconds; the 2 s deadline only has to survive a busy CI machine.
    public static readonly LuaLimits SmallLimits = new()
    {
        MemoryBytes = 16L * 1024 * 1024,
        Timeout = TimeSpan.FromSeconds(2),
        MaxCallDepth = 200,
        MaxResultBytes = 64 * 1024,
        MaxLogBytes = 16 * 1024,
    };

    /// <summary>For tests that expect a timeout: short, so they finish quickly.</summary>
    public static readonly LuaLimits ShortDeadline = SmallLimits with { Timeout = TimeSpan.FromMilliseconds(200) };

    /// <param name="guardedTableFunctions">False runs the prelude's Lua table functions, as on a machine where the C ones were not built.</param>
    public LuaTestHost(LuaLimits? limits = null, HttpClientOptions? http = null, bool guardedTableFunctions = true)
    {
        Runtime = new LuaRuntime(new LuaRuntimeOptions
        {
            Limits = limits ?? SmallLimits,
            Http = http ?? HttpClientOptions.Default,
            GuardedTableFunctions = guardedTableFunctions,
        });
    }

    public LuaRuntime Runtime { get; }

    /// <summary>Runs <paramref name="body"/> as the body of <c>handler(input)</c> with every module allowed.</summary>
    public FunctionResult Handler(string body, JsonNode? input = null, params string[] modules) =>
        Tool($"local function handler(input)\n{body}\nend\nreturn {{ handler = handler }}", input, modules.Length == 0 ? [.. LuaRuntime.AvailableModules] : modules);

    public FunctionResult Tool(string source, JsonNode? input = null, IReadOnlyList<string>? modules = null) =>
        Runtime.RunAsync(new LuaFunctionSource(source, "handler", modules ?? [], "test"), input).GetAwaiter().GetResult();

    /// <summary>The result value as compact JSON text (fails the test when the call failed).</summary>
    public string Json(string body, JsonNode? input = null)
    {
        var result = Handler(body, input);
        Assert.True(result.IsSuccess, $"expected success, got {result}");
        return result.ValueJson;
    }

    public void Dispose() => Runtime.Dispose();
}
