namespace MicroAgi.Agents.Tools.Docs;

/// <summary>A section of a page: the text under one heading (level 1 to 3), with the headings above it.</summary>
internal sealed record DocPassage(DocPage Page, string Heading, string Text)
{
    private const int MaxHeadingLevel = 3;

    /// <summary>
    /// Splits a page at its headings of level 1 to 3, ignoring <c>#</c> lines inside code fences.
    /// <see cref="Heading"/> is the chain of headings (<c>time › time.now</c>); text before the first
    /// heading belongs to a passage headed by the page title.
    /// </summary>
    public static List<DocPassage> Split(DocPage page)
    {
        var passages = new List<DocPassage>();
        var chain = new string?[MaxHeadingLevel];
        var heading = page.Title;
        var text = new System.Text.StringBuilder();
        var inFence = false;
        foreach (var line in page.Markdown.ReplaceLineEndings("\n").Split('\n'))
        {
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal)) inFence = !inFence;
            var level = inFence ? 0 : HeadingLevel(line);
            if (level > 0)
            {
                if (!string.IsNullOrWhiteSpace(text.ToString())) passages.Add(new DocPassage(page, heading, text.ToString().Trim()));
                text.Clear();
                chain[level - 1] = line[(level + 1)..].Trim();
                for (var deeper = level; deeper < MaxHeadingLevel; deeper++) chain[deeper] = null;
                heading = string.Join(" › ", chain.Where(h => h is not null));
            }
            text.AppendLine(line);
        }
        if (!string.IsNullOrWhiteSpace(text.ToString())) passages.Add(new DocPassage(page, heading, text.ToString().Trim()));
        return passages;
    }

    private static int HeadingLevel(string line)
    {
        var level = 0;
        while (level < line.Length && line[level] == '#') level++;
        return level is >= 1 and <= MaxHeadingLevel && level < line.Length && line[level] == ' ' ? level : 0;
    }
}
