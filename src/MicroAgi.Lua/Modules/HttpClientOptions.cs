namespace MicroAgi.Lua.Modules;

/// <summary>
/// Configuration of the <c>http_client</c> module. By default only public internet addresses are
/// reachable: private (RFC 1918, unique-local), loopback, link-local, CGNAT, multicast and
/// unspecified addresses are refused — checked on the address a host name RESOLVES to, for every
/// connection including each redirect hop. <see cref="AllowedNetworks"/> opens specific ones.
/// </summary>
public sealed record HttpClientOptions
{
    public static HttpClientOptions Default { get; } = new();

    /// <summary>
    /// Addresses or CIDR ranges reachable even though they are not public, e.g. <c>"127.0.0.1"</c>,
    /// <c>"10.0.0.0/8"</c>, <c>"::1"</c>. Empty by default.
    /// </summary>
    public IReadOnlyList<string> AllowedNetworks { get; init; } = [];

    /// <summary>Turns the address check off entirely (every address reachable). For trusted setups only.</summary>
    public bool AllowAllNetworks { get; init; }

    /// <summary>Largest response body read, in bytes; a larger body fails the request. Default 5 MiB.</summary>
    public long MaxResponseBytes { get; init; } = 5L * 1024 * 1024;

    /// <summary>Timeout of one request when the tool does not give one (the call's own deadline always applies). Default 30 s.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Redirects followed before giving up. Default 5.</summary>
    public int MaxRedirects { get; init; } = 5;

    /// <summary>The User-Agent sent when the tool sets none.</summary>
    public string UserAgent { get; init; } = "MicroAgi/1.0";
}
