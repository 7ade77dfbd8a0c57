using MicroAgi.Lua.Modules;

namespace MicroAgi.Lua.Sandbox;

/// <summary>What host modules need from the runtime that owns them: configuration and shared clients.</summary>
internal sealed class LuaServices(HttpClientOptions http) : IDisposable
{
    private readonly Lazy<SafeHttpClient> _httpClient = new(() => new SafeHttpClient(http));

    public HttpClientOptions Http { get; } = http;

    /// <summary>The guarded HTTP client http_client uses (created on first use).</summary>
    public SafeHttpClient HttpClient => _httpClient.Value;

    public void Dispose()
    {
        if (_httpClient.IsValueCreated) _httpClient.Value.Dispose();
    }
}
