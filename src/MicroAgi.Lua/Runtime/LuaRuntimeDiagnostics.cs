using System.Text.Json.Nodes;

namespace MicroAgi.Lua.Runtime;

/// <summary>Measurements for benchmarks and capacity planning.</summary>
public static class LuaRuntimeDiagnostics
{
    /// <summary>
    /// The Lua heap, in bytes, that one cached idle tool keeps: its state with the libraries, the
    /// sandbox prelude and the compiled source, after one call with <paramref name="input"/> and a full
    /// garbage collection.
    /// </summary>
    public static long IdleToolHeapBytes(LuaFunctionSource function, JsonNode? input)
    {
        ArgumentNullException.ThrowIfNull(function);
        using var runtime = new LuaRuntime();
        var result = runtime.Run(function, input, runtime.Options.Limits, CancellationToken.None);
        if (!result.IsSuccess) throw new InvalidOperationException($"the tool failed: {result}");
        var pool = runtime.PoolFor(function);
        var sandbox = pool.Rent(runtime.Options.Limits, out var loadError) ?? throw new InvalidOperationException(loadError);
        try
        {
            sandbox.Collect();
            return sandbox.MemoryUsed;
        }
        finally
        {
            runtime.Return(pool, sandbox);
        }
    }
}
