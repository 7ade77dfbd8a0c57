using System.Text.RegularExpressions;

namespace MicroAgi.Lua.Tests;

/// <summary>
/// Reads the Lua examples of the docs corpus (docs/lua, copied next to the tests).
/// Conventions, also described in docs/lua/index.md:
/// <list type="bullet">
/// <item>Every <c>```lua</c> block runs. A block that ends with <c>return { handler = handler }</c> is a
/// tool: it must pass the compile check, and each <c>-- call: {json}</c> line followed by
/// <c>-- result: {json}</c> (or <c>-- error: text</c>) is a call and its expected outcome.</item>
/// <item>Any other block is a script: what it prints must equal its <c>--&gt; text</c> lines, in order
/// (<c>--~ regex</c> lines match a printed line against a regular expression instead).</item>
/// <item><c>https://httpbin.org</c> in an example is served by a local test server.</item>
/// </list>
/// </summary>
internal static partial class DocExamples
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "docs", "lua");

    public static IEnumerable<string> Pages =>
        Directory.EnumerateFiles(Root, "*.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    public static IReadOnlyList<DocExample> Read(string page)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, page));
        var examples = new List<DocExample>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```lua") continue;
            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].Trim() != "```") end++;
            examples.Add(new DocExample(page, start + 1, string.Join('\n', lines[start..end])));
            i = end;
        }
        return examples;
    }

    /// <summary>The modules a source requires, as create_tool would list them.</summary>
    public static string[] RequiredModules(string source) =>
        RequirePattern().Matches(source).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal).ToArray();

    [GeneratedRegex("""require\s*\(?\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")]
    private static partial Regex RequirePattern();
}

internal sealed record DocExample(string Page, int Line, string Code)
{
    public bool IsTool => Code.TrimEnd().EndsWith("return { handler = handler }", StringComparison.Ordinal);

    public override string ToString() => $"{Page}:{Line}";
}
