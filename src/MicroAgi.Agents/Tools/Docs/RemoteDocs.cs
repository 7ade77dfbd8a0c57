using System.Globalization;
using System.Net;

namespace MicroAgi.Agents.Tools.Docs;

/// <summary>
/// A documentation site that doc_search may ask besides the embedded pages (the seed's agent reads a
/// hosted LLM-facing docs API). Two URL templates say where: <c>{query}</c> in the search URL and
/// <c>{path}</c> in the page URL are replaced by the escaped request. Every failure — unreachable,
/// slow, an HTTP error — comes back as text for the model; the embedded results stand regardless.
/// </summary>
public sealed class RemoteDocs(HttpClient http, string? searchUrlTemplate, string? pageUrlTemplate)
{
    public const string QueryPlaceholder = "{query}";
    public const string PathPlaceholder = "{path}";

    /// <summary>What one response may contribute, before the tool's own 8000-character cap.</summary>
    private const int MaxResponseChars = 64 * 1024;

    public bool CanSearch => searchUrlTemplate is not null;

    public bool CanReadPages => pageUrlTemplate is not null;

    public Task<RemoteDocsAnswer> SearchAsync(string query, CancellationToken cancellationToken) =>
        FetchAsync(searchUrlTemplate!.Replace(QueryPlaceholder, Uri.EscapeDataString(query), StringComparison.Ordinal), cancellationToken);

    public Task<RemoteDocsAnswer> PageAsync(string path, CancellationToken cancellationToken)
    {
        var segments = path.Trim('/').Split('/');
        if (segments.Any(s => s is "" or "." or ".."))
            return Task.FromResult(RemoteDocsAnswer.Failed($"'{path}' is not a page path (no empty, '.' or '..' parts)"));
        var escaped = string.Join('/', segments.Select(Uri.EscapeDataString));
        return FetchAsync(pageUrlTemplate!.Replace(PathPlaceholder, escaped, StringComparison.Ordinal), cancellationToken);
    }

    private async Task<RemoteDocsAnswer> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target)) return RemoteDocsAnswer.Failed($"'{url}' is not a URL");
        var host = target.Host;
        // HttpClient.Timeout stops at the headers; the body gets the same time, so a site that stalls
        // mid-page cannot hold the call until the tool's own deadline.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(http.Timeout);
        try
        {
            using var response = await http.GetAsync(target, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound) return RemoteDocsAnswer.Failed($"{host} has no such page (HTTP 404)");
            if (!response.IsSuccessStatusCode)
                return RemoteDocsAnswer.Failed(string.Create(CultureInfo.InvariantCulture, $"{host} answered HTTP {(int)response.StatusCode}"));
            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            using var reader = new StreamReader(body);
            var buffer = new char[MaxResponseChars];
            var read = await reader.ReadBlockAsync(buffer, deadline.Token).ConfigureAwait(false);
            return RemoteDocsAnswer.Found(new string(buffer, 0, read));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return RemoteDocsAnswer.Failed($"{host} could not be reached or broke off: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return RemoteDocsAnswer.Failed(string.Create(CultureInfo.InvariantCulture, $"{host} did not answer within {http.Timeout.TotalSeconds:0.#} s"));
        }
    }
}

/// <summary>The text a remote docs request brought, or why it brought none.</summary>
public sealed record RemoteDocsAnswer(string? Text, string? Error)
{
    public static RemoteDocsAnswer Found(string text) => new(text, null);

    public static RemoteDocsAnswer Failed(string error) => new(null, error);
}
