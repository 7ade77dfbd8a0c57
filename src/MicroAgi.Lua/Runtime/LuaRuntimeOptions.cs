using MicroAgi.Lua.Modules;

namespace MicroAgi.Lua.Runtime;

/// <summary>Configuration of a <see cref="LuaRuntime"/>.</summary>
public sealed record LuaRuntimeOptions
{
    public static LuaRuntimeOptions Default { get; } = new();

    /// <summary>The limits of every call (RunAsync can override them per call).</summary>
    public LuaLimits Limits { get; init; } = LuaLimits.Default;

    /// <summary>What http_client may reach and how much it may read.</summary>
    public HttpClientOptions Http { get; init; } = HttpClientOptions.Default;

    /// <summary>
    /// Tools that keep prepared Lua states (about 50 KB of Lua heap each, per idle state). Beyond this,
    /// states of tools not used recently are released; calling such a tool again costs a new state and
    /// loading its compiled chunk. Default 256.
    /// </summary>
    public int MaxCachedTools { get; init; } = 256;

    /// <summary>
    /// Tools whose compiled chunk is kept (a few KB each), so a call never compiles a source twice while
    /// fewer tools than this are in use; the least recently used beyond this are dropped. At least
    /// <see cref="MaxCachedTools"/>. Default 4096.
    /// </summary>
    public int MaxCompiledTools { get; init; } = 4096;

    /// <summary>
    /// Whether <c>table.insert/remove/move/sort</c> are the guarded C functions (C Lua's speed) when
    /// their library was built (docs/lua-sandbox.md). False keeps the prelude's Lua implementations, as
    /// on a machine without the library: same results, slower. Default true.
    /// </summary>
    public bool GuardedTableFunctions { get; init; } = true;

    /// <summary>Idle prepared Lua states kept per tool (calls in parallel beyond this create and then drop extra states). Default 4.</summary>
    public int MaxIdleStatesPerTool { get; init; } = 4;
}
