using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Lua.Modules;
using MicroAgi.Lua.Sandbox;
using MicroAgi.Telemetry;

namespace MicroAgi.Lua.Runtime;

/// <summary>
/// Runs Lua functions in the sandbox (docs/lua-sandbox.md). Compiled tools are cached by content —
/// source, method, modules and name — so an entry that changed in any of them gets a new compiled
/// tool, never a stale one. Two tiers: up to <see cref="LuaRuntimeOptions.MaxCompiledTools"/> tools keep
/// their compiled chunk, and up to <see cref="LuaRuntimeOptions.MaxCachedTools"/> of them also keep
/// prepared states; a call of a tool without one pays for a new state and loading the compiled chunk,
/// never for compiling again. Thread-safe: calls in parallel use separate Lua states.
/// </summary>
/// <remarks>Lua runs synchronously on the calling thread; the returned tasks are already complete.</remarks>
public sealed class LuaRuntime : IFunctionKind, IDisposable
{
    private readonly ConcurrentDictionary<string, ToolPool> _pools = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<LuaFunctionSource, string> _keys = new();
    private readonly ResidentPools _resident;
    private readonly LuaServices _services;
    private bool _disposed;

    public LuaRuntime(LuaRuntimeOptions? options = null)
    {
        Options = options ?? LuaRuntimeOptions.Default;
        Options.Limits.Validate();
        if (Options.MaxCachedTools < 1) throw new ArgumentException("MaxCachedTools must be at least 1", nameof(options));
        if (Options.MaxCompiledTools < Options.MaxCachedTools) throw new ArgumentException("MaxCompiledTools must be at least MaxCachedTools", nameof(options));
        if (Options.MaxIdleStatesPerTool < 0) throw new ArgumentException("MaxIdleStatesPerTool must not be negative", nameof(options));
        _resident = new ResidentPools(Options.MaxCachedTools);
        _ = new AddressPolicy(Options.Http); // reject a malformed allow-list now, not at the first request
        _services = new LuaServices(Options.Http, Options.GuardedTableFunctions);
    }

    public LuaRuntimeOptions Options { get; }

    private LuaLimits? _tightened;

    /// <summary>
    /// The limits calls run under now: <see cref="LuaRuntimeOptions.Limits"/>, or tighter ones set with
    /// <see cref="Tighten"/> (the self tool's <c>sandbox.*</c>).
    /// </summary>
    public LuaLimits Limits => Volatile.Read(ref _tightened) ?? Options.Limits;

    /// <summary>
    /// Makes every later call run under <paramref name="limits"/>, which may only be stricter than the
    /// configured ones: an agent may narrow its own sandbox, never widen what the user configured.
    /// </summary>
    public void Tighten(LuaLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        var configured = Options.Limits;
        if (limits.MemoryBytes > configured.MemoryBytes || limits.Timeout > configured.Timeout || limits.MaxCallDepth > configured.MaxCallDepth
            || limits.MaxResultBytes > configured.MaxResultBytes || limits.MaxLogBytes > configured.MaxLogBytes)
            throw new ArgumentException("sandbox limits may only be lowered below the configured ones", nameof(limits));
        Volatile.Write(ref _tightened, limits == configured ? null : limits);
    }

    /// <summary>The modules a function may list and require, sorted.</summary>
    public static IReadOnlyList<string> AvailableModules { get; } = HostModules.All.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The entry kind this runtime runs for the call API.</summary>
    public string Kind => FunctionKinds.Lua;

    /// <summary>Reads a <c>function.lua</c> entry (data.source, data.method, data.modules) for the call API.</summary>
    public PreparedFunction Prepare(MicroAgi.Registry.Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return LuaEntryFunction.Prepare(this, entry);
    }

    /// <summary>Compiled tools currently cached.</summary>
    public int CachedToolCount => _pools.Count;

    /// <summary>Tools currently keeping prepared Lua states (at most <see cref="LuaRuntimeOptions.MaxCachedTools"/>).</summary>
    public int ToolsWithStates => _resident.Count;

    /// <summary>
    /// The compile check of create_tool: the modules exist, the source compiles (errors carry the Lua
    /// line), and running the chunk returns a table exporting <see cref="LuaFunctionSource.Method"/>.
    /// The chunk's top level runs under the normal limits; the method itself is not called.
    /// </summary>
    public LuaCheckResult Check(LuaFunctionSource function, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (UnknownModules(function) is { } unknown) return LuaCheckResult.Invalid(unknown, function.Name);
        var pool = PoolFor(function);
        var limits = Limits;
        var sandbox = pool.Rent(limits, out var loadError);
        if (sandbox is null) return LuaCheckResult.Invalid(loadError!, function.Name);
        FunctionResult result;
        try
        {
            result = sandbox.Check(function.Method, limits, cancellationToken);
        }
        finally
        {
            Return(pool, sandbox);
        }
        return result.IsSuccess ? LuaCheckResult.Valid : LuaCheckResult.Invalid(result.Error!, function.Name);
    }

    /// <summary>
    /// Runs <paramref name="function"/> on <paramref name="input"/> without any registry entry — how
    /// create_tool's test cases run before anything is written. A null input becomes an empty table.
    /// </summary>
    public Task<FunctionResult> RunAsync(LuaFunctionSource function, JsonNode? input, LuaLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Task.FromResult(Run(function, input, limits ?? Limits, cancellationToken));
    }

    internal FunctionResult Run(LuaFunctionSource function, JsonNode? input, LuaLimits limits, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!ReferenceEquals(limits, Limits)) limits.Validate();
        if (UnknownModules(function) is { } unknown) return FunctionResult.Failure(FunctionErrorKind.LoadError, unknown);
        return Run(PoolFor(function), input, limits, cancellationToken);
    }

    /// <summary>
    /// Runs the tool of <paramref name="pool"/> (the call API keeps the pool of each entry to skip hashing).
    /// <paramref name="startedAt"/>, a <see cref="System.Diagnostics.Stopwatch"/> timestamp, is when the
    /// call's clock started if work before the sandbox counts against its deadline (0: now).
    /// </summary>
    internal FunctionResult Run(ToolPool pool, JsonNode? input, LuaLimits limits, CancellationToken cancellationToken, long startedAt = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var buffer = new ArrayBufferWriter<byte>(256);
        try
        {
            using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = LuaJson.Encoder, MaxDepth = LuaJson.MaxDepth });
            (input ?? new JsonObject()).WriteTo(writer);
        }
        catch (InvalidOperationException e)
        {
            return FunctionResult.Failure(FunctionErrorKind.InvalidArguments, $"invalid arguments: nested more than {LuaJson.MaxDepth} levels deep ({e.Message})");
        }
        var sandbox = pool.Rent(limits, out var loadError);
        if (sandbox is null) return FunctionResult.Failure(FunctionErrorKind.LoadError, loadError!);
        using var span = MicroAgiTelemetry.Start(MicroAgiTelemetry.Operations.SandboxCall, pool.Function.Name);
        try
        {
            var result = sandbox.Invoke(pool.Function.Method, buffer.WrittenSpan, limits, cancellationToken, startedAt);
            if (span is not null && LimitName(result.ErrorKind) is { } limit)
            {
                span.SetTag(MicroAgiTelemetry.Attributes.LimitHit, limit);
                span.SetStatus(System.Diagnostics.ActivityStatusCode.Error, result.Error);
            }
            return result;
        }
        finally
        {
            Return(pool, sandbox);
        }
    }

    /// <summary>The limit a failed call ran into, as the <c>sandbox_call</c> span names it; null for other failures.</summary>
    private static string? LimitName(FunctionErrorKind kind) => kind switch
    {
        FunctionErrorKind.Timeout => "timeout",
        FunctionErrorKind.MemoryLimit => "memory",
        FunctionErrorKind.CallDepthLimit => "call_depth",
        _ => null,
    };

    internal void Return(ToolPool pool, LuaSandbox sandbox)
    {
        if (pool.Return(sandbox)) _resident.Admit(pool);
    }

    internal static string? UnknownModules(LuaFunctionSource function)
    {
        var unknown = function.Modules.Where(m => !HostModules.All.ContainsKey(m)).ToArray();
        return unknown.Length == 0 ? null
            : $"unknown module{(unknown.Length > 1 ? "s" : "")} {string.Join(", ", unknown.Select(m => $"'{m}'"))} (available: {string.Join(", ", AvailableModules)})";
    }

    internal ToolPool PoolFor(LuaFunctionSource function)
    {
        var key = _keys.GetValue(function, KeyOf);
        if (_pools.TryGetValue(key, out var pool)) return pool;
        pool = _pools.GetOrAdd(key, _ => new ToolPool(function, _services, Options.MaxIdleStatesPerTool));
        if (_pools.Count > Options.MaxCompiledTools) EvictLeastRecentlyUsed();
        return pool;
    }

    /// <summary>Drops whole tools (compiled chunk included). Linear in the cache size, but only when a tool is seen for the first time.</summary>
    private void EvictLeastRecentlyUsed()
    {
        while (_pools.Count > Options.MaxCompiledTools)
        {
            var oldest = _pools.MinBy(p => p.Value.LastUsed);
            if (!_pools.TryRemove(oldest.Key, out var pool)) continue;
            _resident.Forget(pool);
            pool.Evict();
        }
    }

    /// <summary>The cache key: a hash of everything that makes a compiled tool different (a pool runs its own method).</summary>
    private static string KeyOf(LuaFunctionSource function)
    {
        var text = string.Join('\0', [function.Name, function.Method, function.Source, .. function.Modules.Order(StringComparer.Ordinal)]);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var pool in _pools.Values) pool.Evict();
        _pools.Clear();
        _services.Dispose();
    }
}
