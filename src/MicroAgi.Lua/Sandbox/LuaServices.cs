using MicroAgi.Lua.Modules;
using MicroAgi.Lua.Native;

namespace MicroAgi.Lua.Sandbox;

/// <summary>What host modules need from the runtime that owns them: configuration and shared clients.</summary>
internal sealed class LuaServices(HttpClientOptions http, bool guardedTableFunctions = true) : IDisposable
{
    private readonly Lazy<SafeHttpClient> _httpClient = new(() => new SafeHttpClient(http));

    public HttpClientOptions Http { get; } = http;

    /// <summary>The guarded C table functions when they are wanted and their library loaded; otherwise null (the prelude's Lua ones serve).</summary>
    public GuardedTable.Exports? GuardedTable { get; } = guardedTableFunctions ? Native.GuardedTable.Functions : null;

    /// <summary>The guarded HTTP client http_client uses (created on first use).</summary>
    public SafeHttpClient HttpClient => _httpClient.Value;

    public void Dispose()
    {
        if (_httpClient.IsValueCreated) _httpClient.Value.Dispose();
    }
}
