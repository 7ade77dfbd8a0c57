using System.Net;
using System.Text;
using MicroAgi.Agents.Tools;
using MicroAgi.Agents.Tools.Docs;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Tools;

/// <summary>doc_search with a documentation site configured, against a real HTTP server on 127.0.0.1.</summary>
public sealed class RemoteDocsTests : IDisposable
{
    private const string Search = "app.tools:doc_search";

    private readonly DocsSite _site = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        _site.Dispose();
    }

    private RemoteDocs Remote(string? searchUrl = "search?q={query}", string? pageUrl = "pages/{path}") =>
        new(_http, searchUrl is null ? null : _site.Url + searchUrl, pageUrl is null ? null : _site.Url + pageUrl);

    [Fact]
    public async Task A_query_returns_the_embedded_passages_and_the_sites_answer()
    {
        await using var host = ToolTestHost.InMemory(remoteDocs: Remote());

        var result = await host.CallAsync(Search, """{"query": "current time utc"}""");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Contains("time.md", result.Value!["pages"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("remote results for: current time utc", (string?)result.Value["remote_results"]);
        Assert.Equal("/search?q=current%20time%20utc", _site.Requests.Single());
    }

    [Fact]
    public async Task The_embedded_passages_and_a_long_answer_from_the_site_share_the_cap()
    {
        _site.SearchAnswer = new string('r', 20_000);
        await using var host = ToolTestHost.InMemory(remoteDocs: Remote());

        var result = await host.CallAsync(Search, """{"query": "http request json headers body response"}""");

        Assert.True(result.IsSuccess, result.ToString());
        var remote = (string)result.Value!["remote_results"]!;
        Assert.Contains("truncated", remote, StringComparison.Ordinal);
        Assert.True(remote.Count(c => c == 'r') >= DocSearchTool.MaxChars / 2, "the site's answer got less than half the cap");
        var total = result.Value.AsObject().Sum(p => p.Value is System.Text.Json.Nodes.JsonArray list ? list.Sum(v => ((string)v!).Length) : ((string)p.Value!).Length);
        // The cap, plus the two truncation marks.
        Assert.True(total <= DocSearchTool.MaxChars + 300, $"the answer has {total} characters");
    }

    [Fact]
    public async Task A_page_the_embedded_docs_lack_is_read_from_the_site()
    {
        await using var host = ToolTestHost.InMemory(remoteDocs: Remote());

        var result = await host.CallAsync(Search, """{"path": "web/routing"}""");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("remote", (string?)result.Value!["source"]);
        Assert.Equal("page web/routing", (string?)result.Value["content"]);
    }

    [Fact]
    public async Task A_failing_site_is_reported_next_to_the_embedded_results()
    {
        _site.FailWith = HttpStatusCode.InternalServerError;
        await using var host = ToolTestHost.InMemory(remoteDocs: Remote());

        var search = await host.CallAsync(Search, """{"query": "current time utc"}""");
        var page = await host.CallAsync(Search, """{"path": "web/routing"}""");

        Assert.True(search.IsSuccess, search.ToString());
        Assert.Equal("127.0.0.1 answered HTTP 500", (string?)search.Value!["remote_error"]);
        Assert.NotNull(search.Value["results"]);
        Assert.False(page.IsSuccess);
        Assert.EndsWith("the remote docs: 127.0.0.1 answered HTTP 500", page.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_site_is_an_error_the_model_reads_not_a_failed_call()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var nowhere = LoopbackPorts.UnusedUrl("/");
        await using var host = ToolTestHost.InMemory(remoteDocs: new RemoteDocs(http, nowhere + "search?q={query}", null));

        var result = await host.CallAsync(Search, """{"query": "current time utc"}""");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.StartsWith("127.0.0.1 could not be reached or broke off", (string?)result.Value!["remote_error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_site_that_stalls_in_the_middle_of_a_page_is_given_up_on_and_the_embedded_results_stand()
    {
        _site.StallAfterHeaders = true;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        await using var host = ToolTestHost.InMemory(remoteDocs: new RemoteDocs(http, _site.Url + "search?q={query}", null));

        var result = await host.CallAsync(Search, """{"query": "current time utc"}""");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("127.0.0.1 did not answer within 1 s", (string?)result.Value!["remote_error"]);
        Assert.NotNull(result.Value["results"]);
    }

    [Fact]
    public async Task Page_paths_cannot_climb_out_of_the_sites_page_folder()
    {
        await using var host = ToolTestHost.InMemory(remoteDocs: Remote());

        var result = await host.CallAsync(Search, """{"path": "../admin/secrets"}""");

        Assert.False(result.IsSuccess);
        Assert.Contains("is not a page path", result.Error, StringComparison.Ordinal);
        Assert.Empty(_site.Requests);
    }

    /// <summary>A tiny documentation site: <c>/search?q=</c> and <c>/pages/{path}</c>, or one status for everything.</summary>
    private sealed class DocsSite : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;

        public DocsSite()
        {
            Url = $"http://127.0.0.1:{LoopbackPorts.GetUnused()}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _serving = Task.Run(ServeAsync);
        }

        public string Url { get; }
        public HttpStatusCode? FailWith { get; set; }
        public bool StallAfterHeaders { get; set; }
        public string? SearchAnswer { get; set; }
        public List<string> Requests { get; } = [];

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                var target = context.Request.RawUrl ?? "";
                lock (Requests) Requests.Add(target);
                var (status, body) = FailWith is { } failure ? (failure, "down")
                    : target.StartsWith("/search", StringComparison.Ordinal) ? (HttpStatusCode.OK, SearchAnswer ?? "remote results for: " + context.Request.QueryString["q"])
                    : target.StartsWith("/pages/", StringComparison.Ordinal) ? (HttpStatusCode.OK, "page " + Uri.UnescapeDataString(target["/pages/".Length..]))
                    : (HttpStatusCode.NotFound, "no such page");
                var bytes = Encoding.UTF8.GetBytes(body);
                context.Response.StatusCode = (int)status;
                if (StallAfterHeaders)
                {
                    // Promise more than is sent, send a little, then go quiet until the site is closed.
                    context.Response.ContentLength64 = 1_000_000;
                    await context.Response.OutputStream.WriteAsync(bytes);
                    await context.Response.OutputStream.FlushAsync();
                    _ = Task.Delay(TimeSpan.FromSeconds(30)).ContinueWith(_ => context.Response.Abort(), TaskScheduler.Default);
                    continue;
                }
                try
                {
                    await context.Response.OutputStream.WriteAsync(bytes);
                    context.Response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    // The client gave up first (a doc_search deadline); the site goes on serving.
                }
            }
        }

        public void Dispose()
        {
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(10));
        }
    }
}
