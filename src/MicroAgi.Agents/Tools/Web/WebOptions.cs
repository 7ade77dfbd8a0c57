namespace MicroAgi.Agents.Tools.Web;

/// <summary>How web_fetch and web_search reach the web (<c>tools.web</c> and <c>tools.web_search</c> in microagi.yaml).</summary>
public sealed record WebOptions
{
    /// <summary>Private networks web_fetch may reach although the address policy refuses them (e.g. 127.0.0.1).</summary>
    public IReadOnlyList<string> AllowedNetworks { get; init; } = [];

    /// <summary>Characters of page text returned, at most.</summary>
    public int MaxCharacters { get; init; } = 50_000;

    /// <summary>Redirects web_fetch follows (each hop's address checked).</summary>
    public int MaxRedirects { get; init; } = 3;

    /// <summary>How long a fetched page is served from memory before it is fetched again.</summary>
    public TimeSpan CacheFor { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one request may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The search provider, or null when none is configured.</summary>
    public SearchProvider? Search { get; init; }
}

/// <summary>A web_search provider: <c>searxng</c> (an instance's URL), <c>brave</c> or <c>tavily</c> (an API key).</summary>
/// <param name="Kind">searxng, brave or tavily.</param>
/// <param name="Url">The SearXNG instance; for brave and tavily the API root, when not the public one.</param>
/// <param name="ApiKey">The key, read from the environment variable the configuration names.</param>
public sealed record SearchProvider(string Kind, Uri? Url, string? ApiKey)
{
    public const string SearXng = "searxng";
    public const string Brave = "brave";
    public const string Tavily = "tavily";
}
