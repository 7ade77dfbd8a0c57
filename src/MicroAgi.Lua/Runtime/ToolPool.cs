using System.Diagnostics;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Runtime;

/// <summary>
/// One tool (one source + method + modules) as the runtime keeps it: its compiled chunk, and the
/// prepared Lua states that are idle. Calls rent a state, run, and give it back; a state that reached
/// a limit is disposed instead. The source is compiled once: a state created later (a parallel call, or
/// after the runtime took this tool's idle states for other tools) loads the compiled chunk.
/// </summary>
internal sealed class ToolPool(LuaFunctionSource function, LuaServices services, int maxIdle)
{
    private readonly Stack<LuaSandbox> _idle = new();
    private readonly Lock _gate = new();
    private byte[]? _compiled;
    private string? _loadError;
    private bool _evicted;
    private bool _resident;
    private long _lastUsed = Stopwatch.GetTimestamp();
    private int _compilations;

    public LuaFunctionSource Function { get; } = function;

    /// <summary><see cref="Stopwatch"/> timestamp of the last rent, for least-recently-used eviction.</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);

    /// <summary>How many times the source was compiled (once, unless the first compile ran out of memory or calls raced): the rest load the compiled chunk.</summary>
    public int Compilations => Volatile.Read(ref _compilations);

    /// <summary>Where this pool sits in the runtime's list of pools that keep states (-1: not in it). Guarded by that list's lock.</summary>
    public int ResidentSlot { get; set; } = -1;

    /// <summary>True once the runtime dropped this tool altogether: it still serves calls, but keeps nothing.</summary>
    public bool IsEvicted
    {
        get
        {
            lock (_gate) return _evicted;
        }
    }

    /// <summary>A ready state, or null with the error when the source does not compile.</summary>
    public LuaSandbox? Rent(LuaLimits limits, out string? loadError)
    {
        byte[]? compiled;
        lock (_gate)
        {
            Volatile.Write(ref _lastUsed, Stopwatch.GetTimestamp());
            loadError = _loadError;
            if (loadError is not null) return null;
            if (_idle.TryPop(out var idle)) return idle;
            compiled = _compiled;
        }
        var sandbox = LuaSandbox.Create(services, Function.Modules);
        if (compiled is null) Interlocked.Increment(ref _compilations);
        var error = compiled is null
            ? sandbox.Load(Function.Source, Function.Name, limits)
            : sandbox.LoadCompiled(compiled, Function.Name, limits);
        loadError = error;
        if (error is null)
        {
            if (compiled is null) Remember(sandbox);
            return sandbox;
        }
        sandbox.Dispose();
        // A compile error is a property of the source; running out of memory while compiling depends on the limits of the call.
        if (!error.StartsWith("not enough memory", StringComparison.Ordinal))
        {
            lock (_gate) _loadError = error;
        }
        return null;
    }

    private void Remember(LuaSandbox sandbox)
    {
        var compiled = sandbox.DumpChunk();
        lock (_gate) _compiled ??= compiled;
    }

    /// <summary>
    /// Takes back a state after a call. Returns true when this pool had no claim to keep states
    /// before: the runtime then counts it among the pools that do, and may take other pools' states.
    /// </summary>
    public bool Return(LuaSandbox sandbox)
    {
        if (!sandbox.IsPoisoned)
        {
            lock (_gate)
            {
                if (!_evicted && _idle.Count < maxIdle)
                {
                    _idle.Push(sandbox);
                    if (_resident) return false;
                    _resident = true;
                    return true;
                }
            }
        }
        sandbox.Dispose();
        return false;
    }

    /// <summary>Disposes the idle states (the runtime needs their room for other tools); the compiled chunk stays.</summary>
    public void ReleaseStates()
    {
        LuaSandbox[] idle;
        lock (_gate)
        {
            _resident = false;
            idle = [.. _idle];
            _idle.Clear();
        }
        // Closing a state frees its whole heap: done outside the lock so calls of this tool do not wait.
        foreach (var sandbox in idle) sandbox.Dispose();
    }

    /// <summary>Drops the tool from the runtime: idle states are disposed, states in use are disposed when returned.</summary>
    public void Evict()
    {
        lock (_gate) _evicted = true;
        ReleaseStates();
    }
}
