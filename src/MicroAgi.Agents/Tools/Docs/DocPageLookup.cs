namespace MicroAgi.Agents.Tools.Docs;

/// <summary>
/// Finds a page by the path a model writes, which is rarely exact: <c>docs/lua/modules/time.md</c>,
/// <c>modules/time</c>, <c>lua/core/time</c> (seed 000's style) and <c>time</c> all find the time page.
/// An exact path wins; otherwise a unique page whose path ends with the request, then a unique page
/// with the same file name.
/// </summary>
internal sealed class DocPageLookup(IDocsCorpus corpus)
{
    public DocPage? Find(string requested)
    {
        var key = Normalize(requested);
        if (key.Length == 0) return null;
        var pages = corpus.Pages;
        var exact = pages.FirstOrDefault(p => Normalize(p.Path) == key);
        if (exact is not null) return exact;
        var bySuffix = pages.Where(p => ("/" + Normalize(p.Path)).EndsWith("/" + key, StringComparison.Ordinal)).ToList();
        if (bySuffix.Count == 1) return bySuffix[0];
        var stem = key[(key.LastIndexOf('/') + 1)..];
        var byName = pages.Where(p => Path.GetFileNameWithoutExtension(p.Path).Equals(stem, StringComparison.OrdinalIgnoreCase)).ToList();
        return byName.Count == 1 ? byName[0] : null;
    }

    /// <summary>Lower case, '/' separators, no leading <c>docs/</c> or <c>lua/</c>, no <c>.md</c>.</summary>
    private static string Normalize(string path)
    {
        var key = path.Trim().Replace('\\', '/').Trim('/').ToLowerInvariant();
        foreach (var prefix in new[] { "docs/", "lua/" })
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal)) key = key[prefix.Length..];
        }
        return key.EndsWith(".md", StringComparison.Ordinal) ? key[..^3] : key;
    }
}
