using MicroAgi.Agents.Tools.Docs;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// <c>docs:</c> in microagi.yaml — an optional documentation site for doc_search, as two URL templates:
/// <c>search_url</c> with <c>{query}</c>, <c>page_url</c> with <c>{path}</c>.
/// </summary>
internal sealed class DocsConfig
{
    public string? SearchUrl { get; set; }
    public string? PageUrl { get; set; }
    public double? TimeoutSeconds { get; set; }

    public bool IsSet => SearchUrl is not null || PageUrl is not null;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds ?? 15);

    /// <returns>What is wrong with the section, named by its key; null when all is well.</returns>
    public string? Problem() =>
        TemplateProblem("docs.search_url", SearchUrl, RemoteDocs.QueryPlaceholder)
        ?? TemplateProblem("docs.page_url", PageUrl, RemoteDocs.PathPlaceholder)
        ?? ConfigSeconds.Problem("docs.timeout_seconds", TimeoutSeconds, most: 300);

    private static string? TemplateProblem(string key, string? template, string placeholder)
    {
        if (template is null) return null;
        if (!template.Contains(placeholder, StringComparison.Ordinal))
            return $"{key} must contain {placeholder} where the request goes, e.g. https://docs.example.com/llm/"
                + (placeholder == RemoteDocs.QueryPlaceholder ? "search?q={query}" : "path/en/{path}");
        var probe = template.Replace(placeholder, "x", StringComparison.Ordinal);
        if (!Uri.TryCreate(probe, UriKind.Absolute, out var url)) return $"{key} must be an absolute http(s) URL";
        // Only the scheme is named: the rest of a URL may carry a key.
        return url.Scheme is "http" or "https" ? null : $"{key} must be an http(s) URL, not {url.Scheme}:";
    }
}
