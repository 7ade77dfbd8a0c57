namespace MicroAgi.Agents.Tools.Docs;

/// <summary>A fixed set of pages, ordered by path.</summary>
public sealed class DocsCorpus : IDocsCorpus
{
    public DocsCorpus(IEnumerable<DocPage> pages)
    {
        ArgumentNullException.ThrowIfNull(pages);
        var list = pages.OrderBy(p => p.Path, StringComparer.Ordinal).ToList();
        var duplicate = list.GroupBy(p => p.Path, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"the docs corpus has two pages at '{duplicate.Key}'", nameof(pages));
        Pages = list;
    }

    public static DocsCorpus Empty { get; } = new([]);

    public IReadOnlyList<DocPage> Pages { get; }

    /// <summary>
    /// Every <c>*.md</c> file under <paramref name="directory"/>, each at the path
    /// <paramref name="pathPrefix"/> + its path relative to the directory (e.g. <c>docs/lua/modules/time.md</c>).
    /// </summary>
    public static DocsCorpus FromDirectory(string directory, string pathPrefix)
    {
        ArgumentNullException.ThrowIfNull(pathPrefix);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"docs directory '{directory}' does not exist");
        return new DocsCorpus(Directory.EnumerateFiles(directory, "*.md", SearchOption.AllDirectories)
            .Select(file => new DocPage(pathPrefix + Path.GetRelativePath(directory, file).Replace('\\', '/'), File.ReadAllText(file))));
    }
}
