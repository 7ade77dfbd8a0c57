using System.Text.Json.Nodes;
using MicroAgi.Agents.Tools.Web;

namespace MicroAgi.Agents.Tests.Tools.Machine;

public sealed class WebToolsTests : IDisposable
{
    private const string Article = """
        <html><head><title>The Page</title><style>body{color:red}</style></head>
        <body><nav>menu menu menu</nav><main><h1>Heading</h1><p>First   paragraph
        with <a href="https://example.org/more">a link</a>.</p><ul><li>one</li><li>two</li></ul>
        <script>var secret = "script text";</script></main></body></html>
        """;

    private readonly FakeWebSite _site = new();

    private MachineToolHost Host(WebOptions? web = null) => new(web: web ?? new WebOptions { AllowedNetworks = ["127.0.0.1"] });

    [Fact]
    public async Task Fetch_turns_html_into_readable_text_without_scripts_or_chrome()
    {
        _site.Page("/article", "text/html; charset=utf-8", Article);
        using var host = Host();

        var page = await host.OkAsync("web_fetch", new JsonObject { ["url"] = _site.Url + "article" });

        Assert.Equal("The Page", (string)page["title"]!);
        var text = (string)page["text"]!;
        Assert.StartsWith("# Heading\n", text, StringComparison.Ordinal);
        Assert.Contains("First paragraph with a link (https://example.org/more).", text, StringComparison.Ordinal);
        Assert.Contains("- one\n", text, StringComparison.Ordinal);
        Assert.Contains("\n- two", text, StringComparison.Ordinal);
        Assert.DoesNotContain("script text", text, StringComparison.Ordinal);
        Assert.DoesNotContain("menu", text, StringComparison.Ordinal);
        Assert.DoesNotContain("color:red", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/x")]
    [InlineData("http://localhost:{port}/x")]
    [InlineData("http://2130706433:{port}/x")]
    [InlineData("http://0x7f000001:{port}/x")]
    [InlineData("http://127.1:{port}/x")]
    [InlineData("http://[::1]:{port}/x")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/x")]
    [InlineData("http://0.0.0.0:{port}/x")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/")]
    public async Task Fetch_refuses_loopback_private_and_link_local_targets_however_spelt(string url)
    {
        _site.Page("/x", "text/plain", "the secret");
        using var host = new MachineToolHost(web: new WebOptions { Timeout = TimeSpan.FromSeconds(5) });

        var error = await host.ErrorAsync("web_fetch", new JsonObject { ["url"] = url.Replace("{port}", _site.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) });

        Assert.Contains("refused to connect", error, StringComparison.Ordinal);
        Assert.Empty(_site.Requests);
    }

    [Fact]
    public async Task Every_redirect_is_checked_and_at_most_three_are_followed()
    {
        _site.Redirect("/to-loopback", $"http://127.0.0.2:{_site.Port}/secret")
            .Redirect("/r1", "/r2").Redirect("/r2", "/r3").Redirect("/r3", "/r4").Redirect("/r4", "/done")
            .Redirect("/s1", "/s2").Redirect("/s2", "/done")
            .Page("/done", "text/plain", "arrived");
        using var host = Host();

        var loopback = await host.ErrorAsync("web_fetch", new JsonObject { ["url"] = _site.Url + "to-loopback" });
        var tooMany = await host.ErrorAsync("web_fetch", new JsonObject { ["url"] = _site.Url + "r1" });
        var fine = await host.OkAsync("web_fetch", new JsonObject { ["url"] = _site.Url + "s1" });

        Assert.Contains("refused to connect to 127.0.0.2", loopback, StringComparison.Ordinal);
        Assert.Contains("more than 3 redirects", tooMany, StringComparison.Ordinal);
        Assert.Equal("arrived", (string)fine["text"]!);
        Assert.EndsWith("/done", (string)fine["url"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_caps_the_text_caches_pages_and_reports_http_errors()
    {
        _site.Page("/long", "text/plain", new string('x', 60_000));
        using var host = Host();

        var page = await host.OkAsync("web_fetch", new JsonObject { ["url"] = _site.Url + "long" });
        await host.OkAsync("web_fetch", new JsonObject { ["url"] = _site.Url + "long" });
        var missing = await host.ErrorAsync("web_fetch", new JsonObject { ["url"] = _site.Url + "missing" });

        Assert.Equal(50_000, ((string)page["text"]!).Length);
        Assert.True((bool)page["truncated"]!);
        Assert.Single(_site.Requests, r => r.Path == "/long");
        Assert.Contains("HTTP 404", missing, StringComparison.Ordinal);
        Assert.Contains("not an http or https URL", await host.ErrorAsync("web_fetch", new JsonObject { ["url"] = "file:///etc/passwd" }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_asks_a_searxng_instance_and_returns_title_url_and_snippet()
    {
        _site.Serve("/search", request => (200, "application/json", $$"""
            {"results": [
              {"title": "Result one", "url": "https://one.example/", "content": "about {{request.QueryString["q"]}}"},
              {"title": "Result two", "url": "https://two.example/", "content": "more"},
              {"title": "Result three", "url": "https://three.example/", "content": "more"}]}
            """, null));
        using var host = Host(new WebOptions { Search = new SearchProvider(SearchProvider.SearXng, new Uri(_site.Url), null) });

        var result = await host.OkAsync("web_search", new JsonObject { ["query"] = "dotnet globbing", ["count"] = 2 });

        Assert.Equal(2, (int)result["count"]!);
        Assert.Equal("Result one", (string)result["results"]![0]!["title"]!);
        Assert.Equal("about dotnet globbing", (string)result["results"]![0]!["snippet"]!);
        Assert.Contains("format=json", _site.Requests.Single().Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_through_brave_sends_the_key_and_through_tavily_a_bearer_token()
    {
        _site.Serve("/web/search", _ => (200, "application/json", """{"web": {"results": [{"title": "B", "url": "https://b.example/", "description": "brave says"}]}}""", null))
            .Serve("/search", _ => (200, "application/json", """{"results": [{"title": "T", "url": "https://t.example/", "content": "tavily says"}]}""", null));
        using var brave = Host(new WebOptions { Search = new SearchProvider(SearchProvider.Brave, new Uri(_site.Url), "brave-key") });
        using var tavily = Host(new WebOptions { Search = new SearchProvider(SearchProvider.Tavily, new Uri(_site.Url), "tavily-key") });

        var b = await brave.OkAsync("web_search", new JsonObject { ["query"] = "q" });
        var t = await tavily.OkAsync("web_search", new JsonObject { ["query"] = "q" });

        Assert.Equal("brave says", (string)b["results"]![0]!["snippet"]!);
        Assert.Equal("tavily says", (string)t["results"]![0]!["snippet"]!);
        Assert.Equal("brave-key", _site.Requests[0].Token);
        Assert.Equal("Bearer tavily-key", _site.Requests[1].Authorization);
    }

    [Fact]
    public async Task Search_without_a_provider_or_key_says_how_to_configure_it()
    {
        using var none = Host();
        using var keyless = Host(new WebOptions { Search = new SearchProvider(SearchProvider.Brave, new Uri(_site.Url), null) });

        Assert.Contains("set tools.web_search in microagi.yaml", await none.ErrorAsync("web_search", new JsonObject { ["query"] = "q" }), StringComparison.Ordinal);
        Assert.Contains("api_key_env", await keyless.ErrorAsync("web_search", new JsonObject { ["query"] = "q" }), StringComparison.Ordinal);
    }

    public void Dispose() => _site.Dispose();
}
