using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MicroAgi.Agents.Tools.Docs;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools;

/// <summary>
/// <c>doc_search</c> over the embedded docs, offline. <c>{query}</c> → <c>{query, results, pages}</c>: the
/// best passages (BM25F), each under its page path and headings; <c>{path, offset?}</c> →
/// <c>{path, content}</c>: one page. Text is capped at <see cref="MaxSearchChars"/> (search) or <see cref="MaxChars"/> (page) characters and a cut
/// ends with a visible <c>... (truncated …)</c> mark that says how to read on. With a configured
/// <see cref="RemoteDocs"/> site, a query also returns that site's answer (<c>remote_results</c>, or
/// <c>remote_error</c>), and a path the embedded docs lack is looked up there.
/// </summary>
internal sealed class DocSearchTool
{
    public const int MaxChars = ToolOutput.MaxChars;
    public const string TruncationMark = "... (truncated";
    private const int MaxPassages = 4;
    private const int PassagesPerPage = 3;
    private const int MaxPassageChars = 1500;

    /// <summary>
    /// The most a search's passages take: every later request of the turn carries them again, so a search
    /// points at pages rather than quoting them whole (a page read takes up to <see cref="MaxChars"/>).
    /// </summary>
    public const int MaxSearchChars = 5000;

    /// <summary>The most of the model's own query or path that an answer repeats: enough to recognise it.</summary>
    private const int MaxEchoChars = 200;

    private readonly IDocsCorpus _corpus;
    private readonly RemoteDocs? _remote;
    private readonly DocPageLookup _lookup;
    private readonly Lazy<DocsIndex> _index;

    public DocSearchTool(IDocsCorpus corpus, RemoteDocs? remote = null)
    {
        _corpus = corpus;
        _remote = remote;
        _lookup = new DocPageLookup(corpus);
        // Built on the first search, once: commands that never search do not pay for it.
        _index = new Lazy<DocsIndex>(() => new DocsIndex(corpus), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        var arguments = call.Arguments;
        if (!ToolResults.TryOptionalString(arguments, "path", out var path, out var error)
            || !ToolResults.TryOptionalString(arguments, "query", out var query, out error)
            || !ToolResults.TryOptionalInteger(arguments, "offset", 0, int.MaxValue, out var offset, out error))
        {
            return ToolResults.Error(error!);
        }
        if (!string.IsNullOrWhiteSpace(path)) return await PageAsync(path, offset ?? 0, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(query)) return await QueryAsync(query, cancellationToken).ConfigureAwait(false);
        return ToolResults.Error("provide either 'path' or 'query'");
    }

    private async Task<FunctionResult> PageAsync(string requested, int offset, CancellationToken cancellationToken)
    {
        var page = _lookup.Find(requested);
        if (page is not null) return PageWindow(page.Path, page.Markdown, offset, remote: false);
        var notFound = $"page not found: {Echo(requested)}; the pages are: {string.Join(", ", _corpus.Pages.Select(p => p.Path))}";
        if (_remote is not { CanReadPages: true }) return ToolResults.Error(notFound);
        var answer = await _remote.PageAsync(requested, cancellationToken).ConfigureAwait(false);
        if (answer.Text is null) return ToolResults.Error($"{notFound}; the remote docs: {answer.Error}");
        return PageWindow(requested, answer.Text, offset, remote: true);
    }

    /// <summary>The page from <paramref name="offset"/>, cut at <see cref="MaxChars"/> with a mark that says how to read on.</summary>
    private static FunctionResult PageWindow(string path, string text, int offset, bool remote)
    {
        if (offset > 0 && offset >= text.Length)
            return ToolResults.Error(Invariant($"offset {offset} is past the end of {path} ({text.Length} characters)"));
        var content = text[offset..];
        if (content.Length > MaxChars)
        {
            var next = offset + MaxChars;
            content = content[..MaxChars] + Invariant(
                $"\n{TruncationMark}: characters {offset}-{next} of {text.Length}; read on with {{\"path\": \"{path}\", \"offset\": {next}}})");
        }
        var result = new JsonObject { ["path"] = path, ["content"] = content };
        if (remote) result["source"] = "remote";
        return ToolResults.Ok(result);
    }

    private async Task<FunctionResult> QueryAsync(string query, CancellationToken cancellationToken)
    {
        if (_remote is not { CanSearch: true }) return Query(query, MaxSearchChars);
        var remote = await _remote.SearchAsync(query, cancellationToken).ConfigureAwait(false);
        // The two answers share the cap: the site's may take up to half, and whatever the embedded passages leave.
        var reserved = remote.Text is null ? 0 : Math.Min(remote.Text.Length, MaxChars / 2);
        var local = Query(query, Math.Min(MaxSearchChars, MaxChars - reserved));
        if (local.Value is not JsonObject result) return local;
        if (remote.Text is null)
        {
            result["remote_error"] = remote.Error;
            return local;
        }
        // At least what was reserved: the passages' truncation mark may have taken a little of it.
        var room = Math.Max(reserved, MaxChars - TextLength(result));
        result["remote_results"] = remote.Text.Length <= room
            ? remote.Text
            : remote.Text[..room] + Invariant($"\n{TruncationMark}: {room} of {remote.Text.Length} characters)");
        return local;
    }

    /// <summary>The characters of every string in <paramref name="node"/>: what counts against the cap.</summary>
    private static int TextLength(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Sum(p => TextLength(p.Value)),
        JsonArray list => list.Sum(TextLength),
        JsonValue value when value.TryGetValue<string>(out var text) => text.Length,
        _ => 0,
    };

    private FunctionResult Query(string query, int cap)
    {
        var terms = SearchTokenizer.Tokens(query);
        var echo = Echo(query);
        if (terms.Count == 0)
            return ToolResults.Error($"query '{echo}' has no words to search for; name what you need, e.g. 'current time utc' or 'http get json'");
        var hits = _index.Value.Search(terms, MaxPassages, PassagesPerPage);
        if (hits.Count == 0)
        {
            return ToolResults.Ok(new JsonObject
            {
                ["query"] = echo,
                ["results"] = $"no passage matches '{echo}'; try other words, or open a page with {{\"path\": ...}}",
                ["pages"] = new JsonArray([.. _corpus.Pages.Select(p => (JsonNode)JsonValue.Create(p.Path))]),
            });
        }
        var text = new StringBuilder();
        foreach (var hit in hits)
        {
            var passage = hit.Passage;
            text.Append("## ").Append(passage.Page.Path).Append(" — ").AppendLine(passage.Heading);
            if (passage.Text.Length <= MaxPassageChars) text.AppendLine(passage.Text);
            else text.Append(passage.Text.AsSpan(0, MaxPassageChars)).AppendLine(" … (section continues; open the page with {\"path\": \"" + passage.Page.Path + "\"})");
            text.AppendLine();
        }
        var results = text.ToString().TrimEnd();
        var pages = hits.Select(h => h.Passage.Page.Path).Distinct(StringComparer.Ordinal).ToList();
        // The echo and the page list share the cap with the passages.
        var room = cap - echo.Length - pages.Sum(p => p.Length);
        if (results.Length > room)
            results = results[..room] + Invariant($"\n{TruncationMark}: {room} of {results.Length} characters; open a page with {{\"path\": ...}} to read it whole)");
        return ToolResults.Ok(new JsonObject
        {
            ["query"] = echo,
            ["results"] = results,
            ["pages"] = new JsonArray([.. pages.Select(p => (JsonNode)JsonValue.Create(p))]),
        });
    }

    /// <summary>The model's query or path as an answer repeats it, shortened with a visible mark: a query of
    /// megabytes must not come back whole (twice) and flood the context.</summary>
    private static string Echo(string text) =>
        text.Length <= MaxEchoChars ? text : text[..MaxEchoChars] + Invariant($" {TruncationMark}: {MaxEchoChars} of {text.Length} characters)");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
