using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Runtime;

/// <summary>
/// The prepared Lua states of one tool (one source + modules). Calls rent a state, run, and give it
/// back; a state that reached a limit is disposed instead. Idle states beyond the cap are disposed.
/// </summary>
internal sealed class ToolPool(LuaFunctionSource function, LuaServices services, int maxIdle) : IDisposable
{
    private readonly Stack<LuaSandbox> _idle = new();
    private readonly Lock _gate = new();
    private bool _disposed;

    public LuaFunctionSource Function { get; } = function;

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp of the last rent, for least-recently-used eviction.</summary>
    public long LastUsed { get; private set; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>The compile error of the source, once known (the source never changes for a pool).</summary>
    private string? LoadError { get; set; }

    /// <summary>True once evicted: it still serves calls, but keeps no idle states.</summary>
    public bool IsDisposed
    {
        get
        {
            lock (_gate) return _disposed;
        }
    }

    /// <summary>A ready state, or null with the error when the source does not compile.</summary>
    public LuaSandbox? Rent(LuaLimits limits) => Rent(limits, out _);

    public LuaSandbox? Rent(LuaLimits limits, out string? loadError)
    {
        lock (_gate)
        {
            LastUsed = System.Diagnostics.Stopwatch.GetTimestamp();
            loadError = LoadError;
            if (loadError is not null) return null;
            if (!_disposed && _idle.TryPop(out var idle)) return idle;
        }
        var sandbox = LuaSandbox.Create(services, Function.Modules);
        var error = sandbox.Load(Function.Source, Function.Name, limits);
        loadError = error;
        if (error is null) return sandbox;
        sandbox.Dispose();
        // A compile error is a property of the source; running out of memory while compiling depends on the limits of the call.
        if (!error.StartsWith("not enough memory", StringComparison.Ordinal)) LoadError = error;
        return null;
    }

    public void Return(LuaSandbox sandbox)
    {
        if (!sandbox.IsPoisoned)
        {
            lock (_gate)
            {
                if (!_disposed && _idle.Count < maxIdle)
                {
                    _idle.Push(sandbox);
                    return;
                }
            }
        }
        sandbox.Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            while (_idle.TryPop(out var sandbox)) sandbox.Dispose();
        }
    }
}
