using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace MicroAgi.Agents.Tools.Web;

/// <summary>
/// A web page as readable text (AngleSharp parses it as a browser would): scripts, styles, navigation and
/// other chrome dropped, block elements on their own lines, headings marked with <c>#</c>, list items with
/// <c>-</c>, links kept as <c>text (url)</c> when the url says something the text does not.
/// </summary>
internal static class HtmlText
{
    private static readonly string[] Dropped = ["script", "style", "noscript", "template", "svg", "iframe", "nav", "footer", "form", "button", "head"];

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "header", "aside", "blockquote", "pre", "table", "tr", "ul", "ol", "dl", "dt", "dd",
        "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "hr", "figure", "figcaption",
    };

    public static (string? Title, string Text) Convert(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var title = document.Title?.Trim();
        foreach (var element in document.QuerySelectorAll(string.Join(',', Dropped)).ToList()) element.Remove();
        var root = (INode?)document.QuerySelector("main") ?? (INode?)document.QuerySelector("article") ?? document.Body ?? (INode)document;
        var text = new StringBuilder();
        Walk(root, text, inPre: false);
        return (string.IsNullOrEmpty(title) ? null : title, Tidy(text.ToString()));
    }

    private static void Walk(INode node, StringBuilder text, bool inPre)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IText part)
            {
                text.Append(inPre ? part.Data : CollapseSpaces(part.Data));
                continue;
            }
            if (child is not IElement element) continue;
            var name = element.LocalName;
            var block = Blocks.Contains(name);
            if (block) text.Append('\n');
            if (name.Length == 2 && name[0] == 'h' && char.IsDigit(name[1])) text.Append(new string('#', name[1] - '0')).Append(' ');
            if (name == "li") text.Append("- ");
            Walk(element, text, inPre || name == "pre");
            if (name == "a" && element.GetAttribute("href") is { } href && href.StartsWith("http", StringComparison.OrdinalIgnoreCase)
                && !element.TextContent.Contains(href, StringComparison.Ordinal))
                text.Append(" (").Append(href).Append(')');
            if (name is "td" or "th") text.Append(" | ");
            if (block) text.Append('\n');
        }
    }

    private static string CollapseSpaces(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!space) builder.Append(' ');
                space = true;
                continue;
            }
            space = false;
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>Trims each line and keeps at most one blank line in a row.</summary>
    private static string Tidy(string text)
    {
        var lines = text.Split('\n').Select(l => l.Trim());
        var builder = new StringBuilder();
        var blank = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                if (++blank == 1 && builder.Length > 0) builder.Append('\n');
                continue;
            }
            blank = 0;
            builder.Append(line).Append('\n');
        }
        return builder.ToString().Trim();
    }
}
