namespace MicroAgi.Agents.Tools.Docs;

/// <summary>One page of documentation: where it lives (<c>docs/lua/modules/time.md</c>) and its Markdown.</summary>
public sealed record DocPage
{
    public DocPage(string path, string markdown)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(markdown);
        Path = path.Replace('\\', '/').TrimStart('/');
        Markdown = markdown;
    }

    public string Path { get; }
    public string Markdown { get; }

    /// <summary>The first level-1 heading, else the file name without extension.</summary>
    public string Title
    {
        get
        {
            foreach (var line in Markdown.AsSpan().EnumerateLines())
            {
                if (line.StartsWith("# ")) return line[2..].Trim().ToString();
            }
            return System.IO.Path.GetFileNameWithoutExtension(Path);
        }
    }
}

/// <summary>The documentation doc_search serves: the pages of <c>docs/lua/</c> (embedded in the CLI).</summary>
public interface IDocsCorpus
{
    IReadOnlyList<DocPage> Pages { get; }
}
