using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Lua.Schema;
using MicroAgi.Registry;

namespace MicroAgi.Lua.Functions;

/// <summary>
/// The call API over the registry. What an entry needs to run (its source, compiled schema, native
/// handler) is prepared once per entry version: an updated entry is a new <see cref="Entry"/> object,
/// so it is prepared afresh and never served stale.
/// </summary>
public sealed class FunctionCaller : IFunctionCaller
{
    private readonly IRegistry _registry;
    private readonly LuaRuntime _runtime;
    private readonly NativeFunctionCatalog _natives;
    private readonly ConditionalWeakTable<Entry, PreparedFunction> _prepared = new();

    public FunctionCaller(IRegistry registry, LuaRuntime runtime, NativeFunctionCatalog? natives = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(runtime);
        _registry = registry;
        _runtime = runtime;
        _natives = natives ?? new NativeFunctionCatalog();
    }

    public Task<FunctionResult> CallAsync(EntryId id, JsonNode? arguments, CancellationToken cancellationToken = default)
    {
        var entry = _registry.Get(id);
        return entry is null
            ? Task.FromResult(FunctionResult.Failure(FunctionErrorKind.NotFound, $"not found: {id}"))
            : CallAsync(entry, arguments, cancellationToken);
    }

    /// <summary>Calls a given entry (for example one read from a snapshot) without looking it up.</summary>
    public Task<FunctionResult> CallAsync(Entry entry, JsonNode? arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var prepared = _prepared.GetValue(entry, Prepare);
        if (prepared.Problem is not null) return Task.FromResult(FunctionResult.Failure(FunctionErrorKind.NotCallable, prepared.Problem));
        arguments ??= new JsonObject();
        if (prepared.Schema is not null)
        {
            var errors = prepared.Schema.Validate(arguments);
            if (errors.Count > 0)
                return Task.FromResult(FunctionResult.Failure(FunctionErrorKind.InvalidArguments, "invalid arguments: " + string.Join("; ", errors)));
        }
        return prepared.Lua is not null ? Task.FromResult(RunLua(prepared, arguments, cancellationToken)) : RunNativeAsync(entry, prepared, arguments, cancellationToken);
    }

    private FunctionResult RunLua(PreparedFunction prepared, JsonNode arguments, CancellationToken cancellationToken)
    {
        if (prepared.Pool is null || prepared.Pool.IsEvicted) prepared.Pool = _runtime.PoolFor(prepared.Lua!);
        return _runtime.Run(prepared.Pool, arguments, _runtime.Options.Limits, cancellationToken);
    }

    private async Task<FunctionResult> RunNativeAsync(Entry entry, PreparedFunction prepared, JsonNode arguments, CancellationToken cancellationToken)
    {
        if (!_natives.TryGet(prepared.NativeHandler!, out var handler))
            return FunctionResult.Failure(FunctionErrorKind.NotCallable, $"no native function named '{prepared.NativeHandler}' is registered (entry {entry.Id})");
        try
        {
            return await handler(new NativeFunctionCall(entry, arguments), cancellationToken).ConfigureAwait(false)
                ?? FunctionResult.Failure(FunctionErrorKind.NativeFailure, $"native function '{prepared.NativeHandler}' returned no result");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return FunctionResult.Failure(FunctionErrorKind.Cancelled, "cancelled");
        }
#pragma warning disable CA1031 // A tool failure is a result for the caller (the LLM), whatever the exception.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return FunctionResult.Failure(FunctionErrorKind.NativeFailure, $"{entry.Id.Name} failed: {e.Message}");
        }
    }

    private static PreparedFunction Prepare(Entry entry)
    {
        var prepared = new PreparedFunction();
        try
        {
            if (entry.Meta.TryGetProperty("input_schema", out var schema) && schema.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
                prepared.Schema = InputSchema.Compile(schema, $"{entry.Id}: meta.input_schema");
        }
        catch (InputSchemaException e)
        {
            prepared.Problem = e.Message;
            return prepared;
        }
        switch (entry.Kind)
        {
            case FunctionKinds.Lua:
                prepared.Problem = PrepareLua(entry, prepared);
                break;
            case FunctionKinds.Native:
                prepared.NativeHandler = NativeFunctionCatalog.HandlerNameOf(entry);
                break;
            default:
                prepared.Problem = $"{entry.Id} is a {entry.Kind} entry, not a function ({FunctionKinds.Lua} or {FunctionKinds.Native})";
                break;
        }
        return prepared;
    }

    private static string? PrepareLua(Entry entry, PreparedFunction prepared)
    {
        var source = entry.DataString("source");
        if (source is null) return $"{entry.Id} has no data.source (the Lua code of the function)";
        var method = entry.Data.TryGetProperty("method", out var m) ? (m.ValueKind == JsonValueKind.String ? m.GetString() : null) : "handler";
        if (string.IsNullOrWhiteSpace(method)) return $"{entry.Id}: data.method must be the name of the exported function, e.g. handler";
        var modules = new List<string>();
        if (entry.Data.TryGetProperty("modules", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array) return $"{entry.Id}: data.modules must be a list of module names";
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) return $"{entry.Id}: data.modules must be a list of module names";
                modules.Add(item.GetString()!);
            }
        }
        prepared.Lua = new LuaFunctionSource(source, method, modules, entry.Id.Name);
        return LuaRuntime.UnknownModules(prepared.Lua) is { } unknown ? $"{entry.Id}: {unknown}" : null;
    }

    private sealed class PreparedFunction
    {
        public string? Problem { get; set; }
        public InputSchema? Schema { get; set; }
        public LuaFunctionSource? Lua { get; set; }
        public ToolPool? Pool { get; set; }
        public string? NativeHandler { get; set; }
    }
}
