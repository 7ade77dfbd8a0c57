using System.Net;
using MicroAgi.Agents.Tools.Subagents;
using MicroAgi.Agents.Tools.Web;

namespace MicroAgi.Cli.Hosting;

/// <summary><c>tools.web</c>: what web_fetch may reach.</summary>
internal sealed class WebConfig
{
    /// <summary>Private networks web_fetch may reach although they are not public (e.g. 127.0.0.1, 10.0.0.0/8).</summary>
    public List<string> AllowNetworks { get; set; } = [];

    public double? TimeoutSeconds { get; set; }

    public string? Problem() =>
        AllowNetworks.FirstOrDefault(n => !IPNetwork.TryParse(n, out _) && !IPAddress.TryParse(n, out _)) is { } bad
            ? $"tools.web.allow_networks: '{bad}' is not an IP address or a CIDR range such as 10.0.0.0/8"
            : ConfigSeconds.Problem("tools.web.timeout_seconds", TimeoutSeconds, 1, 600);

    public WebOptions Options()
    {
        var defaults = new WebOptions();
        return defaults with { AllowedNetworks = AllowNetworks, Timeout = ConfigSeconds.ToTimeSpan(TimeoutSeconds) ?? defaults.Timeout };
    }
}

/// <summary><c>tools.web_search</c>: the search provider.</summary>
internal sealed class WebSearchConfig
{
    /// <summary>searxng, brave or tavily.</summary>
    public string? Provider { get; set; }

    /// <summary>The SearXNG instance (required for searxng); for brave and tavily a different API root.</summary>
    public string? Url { get; set; }

    /// <summary>The environment variable holding the API key (brave, tavily).</summary>
    public string? ApiKeyEnv { get; set; }

    public string? Problem()
    {
        if (Provider is null) return Url is null && ApiKeyEnv is null ? null : "tools.web_search.provider must be set (searxng, brave or tavily)";
        if (Provider is not (SearchProvider.SearXng or SearchProvider.Brave or SearchProvider.Tavily))
            return $"tools.web_search.provider must be searxng, brave or tavily, not '{Provider}'";
        if (Url is not null && !(Uri.TryCreate(Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
            return $"tools.web_search.url must be an http(s) URL, not '{Url}'";
        if (Provider == SearchProvider.SearXng && Url is null) return "tools.web_search.url must name the SearXNG instance, e.g. http://localhost:8080";
        if (Provider != SearchProvider.SearXng && ApiKeyEnv is null) return $"tools.web_search.api_key_env must name the environment variable that holds your {Provider} key";
        return null;
    }

    public SearchProvider? Chosen(Func<string, string?> environment) =>
        Provider is null ? null : new SearchProvider(Provider, Url is null ? null : new Uri(Url), ApiKeyEnv is null ? null : environment(ApiKeyEnv));
}

/// <summary><c>tools.subagents</c>: limits of sessions_spawn.</summary>
internal sealed class SubagentsConfig
{
    public int? MaxConcurrent { get; set; }
    public double? TimeoutSeconds { get; set; }
    public double? MaxTimeoutSeconds { get; set; }

    public string? Problem() =>
        ConfigNumbers.WholeProblem("tools.subagents.max_concurrent", MaxConcurrent, 1, 32)
        ?? ConfigSeconds.Problem("tools.subagents.timeout_seconds", TimeoutSeconds, 1, 86_400)
        ?? ConfigSeconds.Problem("tools.subagents.max_timeout_seconds", MaxTimeoutSeconds, 1, 86_400);

    public SubagentOptions Options()
    {
        var defaults = new SubagentOptions();
        return defaults with
        {
            MaxConcurrent = MaxConcurrent ?? defaults.MaxConcurrent,
            DefaultTimeout = ConfigSeconds.ToTimeSpan(TimeoutSeconds) ?? defaults.DefaultTimeout,
            MaxTimeout = ConfigSeconds.ToTimeSpan(MaxTimeoutSeconds) ?? defaults.MaxTimeout,
        };
    }
}
