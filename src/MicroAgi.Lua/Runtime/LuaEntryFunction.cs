using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Registry;

namespace MicroAgi.Lua.Runtime;

/// <summary>
/// A <c>function.lua</c> entry made ready to run: its source, method and modules read once, and the
/// pool of compiled states kept (fetched again only if the runtime evicted it).
/// </summary>
internal sealed class LuaEntryFunction : PreparedFunction
{
    private readonly LuaRuntime _runtime;
    private readonly LuaFunctionSource _function;
    private ToolPool? _pool;

    private LuaEntryFunction(LuaRuntime runtime, LuaFunctionSource function)
    {
        _runtime = runtime;
        _function = function;
    }

    public static PreparedFunction Prepare(LuaRuntime runtime, Entry entry)
    {
        var source = entry.DataString("source");
        if (source is null) return NotCallable($"{entry.Id} has no data.source (the Lua code of the function)");
        var method = entry.Data.TryGetProperty("method", out var m) ? (m.ValueKind == JsonValueKind.String ? m.GetString() : null) : "handler";
        if (string.IsNullOrWhiteSpace(method)) return NotCallable($"{entry.Id}: data.method must be the name of the exported function, e.g. handler");
        var modules = new List<string>();
        if (entry.Data.TryGetProperty("modules", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array) return NotCallable($"{entry.Id}: data.modules must be a list of module names");
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) return NotCallable($"{entry.Id}: data.modules must be a list of module names");
                modules.Add(item.GetString()!);
            }
        }
        var function = new LuaFunctionSource(source, method, modules, entry.Id.Name);
        return LuaRuntime.UnknownModules(function) is { } unknown ? NotCallable($"{entry.Id}: {unknown}") : new LuaEntryFunction(runtime, function);
    }

    public override TimeSpan? TimeLimit => _runtime.Limits.Timeout;

    public override Task<FunctionResult> InvokeAsync(JsonNode arguments, CancellationToken cancellationToken) =>
        InvokeAsync(arguments, startedAt: 0, cancellationToken);

    public override Task<FunctionResult> InvokeAsync(JsonNode arguments, long startedAt, CancellationToken cancellationToken)
    {
        if (_pool is null || _pool.IsEvicted) _pool = _runtime.PoolFor(_function);
        return Task.FromResult(_runtime.Run(_pool, arguments, _runtime.Limits, cancellationToken, startedAt));
    }
}
