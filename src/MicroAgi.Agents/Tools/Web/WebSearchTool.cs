using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools.Web;

/// <summary>
/// <c>web_search {query, count?}</c>: results (title, url, snippet) from the provider the configuration
/// names — a SearXNG instance by URL, or the Brave or Tavily API with a key. The provider's address is the
/// user's own choice (often a SearXNG on localhost), so it is not subject to web_fetch's address policy.
/// </summary>
internal sealed class WebSearchTool(HttpClient http, SearchProvider? provider)
{
    public const int DefaultCount = 5;
    public const int MaxCount = 20;

    public const string NotConfigured =
        "web_search has no provider: set tools.web_search in microagi.yaml — provider: searxng with url: (your instance), " +
        "or provider: brave / tavily with api_key_env: naming the variable that holds the key (see docs/tools.md)";

    private static readonly Uri BraveApi = new("https://api.search.brave.com/res/v1/");
    private static readonly Uri TavilyApi = new("https://api.tavily.com/");

    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        if (!ToolResults.TryOptionalString(call.Arguments, "query", out var query, out var error)
            || !ToolResults.TryOptionalInteger(call.Arguments, "count", 1, MaxCount, out var count, out error))
            return ToolResults.Error(error!);
        if (string.IsNullOrWhiteSpace(query)) return ToolResults.Error("'query' is required, e.g. {\"query\": \"dotnet 10 release notes\"}");
        if (provider is null) return ToolResults.Error(NotConfigured);
        var wanted = count ?? DefaultCount;
        try
        {
            var results = provider.Kind switch
            {
                SearchProvider.SearXng => await SearXngAsync(query, cancellationToken).ConfigureAwait(false),
                SearchProvider.Brave => await BraveAsync(query, wanted, cancellationToken).ConfigureAwait(false),
                SearchProvider.Tavily => await TavilyAsync(query, wanted, cancellationToken).ConfigureAwait(false),
                _ => throw new SearchFailed($"unknown provider '{provider.Kind}' (searxng, brave or tavily)"),
            };
            var shown = results.Take(wanted).ToArray();
            return ToolResults.Ok(new JsonObject
            {
                ["query"] = query,
                ["provider"] = provider.Kind,
                ["results"] = new JsonArray(shown),
                ["count"] = shown.Length,
            });
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ToolResults.Error($"the {provider.Kind} search did not answer in time");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or SearchFailed or NotSupportedException)
        {
            return ToolResults.Error($"the {provider.Kind} search failed: {ex.Message}");
        }
    }

    private async Task<IEnumerable<JsonNode>> SearXngAsync(string query, CancellationToken cancellationToken)
    {
        var root = provider!.Url ?? throw new SearchFailed("tools.web_search.url must name the SearXNG instance");
        var url = new Uri(WithSlash(root), "search?format=json&q=" + Uri.EscapeDataString(query));
        var json = await GetJsonAsync(new HttpRequestMessage(HttpMethod.Get, url), cancellationToken).ConfigureAwait(false);
        return Results(json["results"], "title", "url", "content");
    }

    private async Task<IEnumerable<JsonNode>> BraveAsync(string query, int count, CancellationToken cancellationToken)
    {
        var url = new Uri(WithSlash(provider!.Url ?? BraveApi), $"web/search?count={count}&q={Uri.EscapeDataString(query)}");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Subscription-Token", Key());
        request.Headers.Add("Accept", "application/json");
        var json = await GetJsonAsync(request, cancellationToken).ConfigureAwait(false);
        return Results(json["web"]?["results"], "title", "url", "description");
    }

    private async Task<IEnumerable<JsonNode>> TavilyAsync(string query, int count, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(WithSlash(provider!.Url ?? TavilyApi), "search"))
        {
            Content = JsonContent.Create(new JsonObject { ["query"] = query, ["max_results"] = count }),
        };
        request.Headers.Add("Authorization", "Bearer " + Key());
        var json = await GetJsonAsync(request, cancellationToken).ConfigureAwait(false);
        return Results(json["results"], "title", "url", "content");
    }

    private string Key() => provider!.ApiKey is { Length: > 0 } key
        ? key
        : throw new SearchFailed($"no API key: set the environment variable named by tools.web_search.api_key_env to your {provider.Kind} key");

    private async Task<JsonNode> GetJsonAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new SearchFailed($"HTTP {(int)response.StatusCode} {response.ReasonPhrase} from {request.RequestUri!.GetLeftPart(UriPartial.Path)}");
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return JsonNode.Parse(text) ?? throw new SearchFailed("the answer was empty");
        }
    }

    private static IEnumerable<JsonNode> Results(JsonNode? list, string title, string url, string snippet) =>
        (list as JsonArray ?? []).OfType<JsonObject>().Select(r => (JsonNode)new JsonObject
        {
            ["title"] = Text(r[title]),
            ["url"] = Text(r[url]),
            ["snippet"] = Text(r[snippet]),
        });

    private static string Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    private static Uri WithSlash(Uri root) => root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");

    private sealed class SearchFailed(string message) : Exception(message);
}
