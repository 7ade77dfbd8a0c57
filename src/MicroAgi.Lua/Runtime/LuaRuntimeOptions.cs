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

    /// <summary>Distinct compiled tools kept ready; the least recently used beyond this are dropped. Default 256.</summary>
    public int MaxCachedTools { get; init; } = 256;

    /// <summary>Idle prepared Lua states kept per tool (calls in parallel beyond this create and then drop extra states). Default 4.</summary>
    public int MaxIdleStatesPerTool { get; init; } = 4;
}
