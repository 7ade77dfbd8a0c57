namespace MicroAgi.Agents.Policy;

/// <summary>
/// One item of an allow or deny list, resolved against a <see cref="ToolCatalog"/>: <c>*</c> (every tool), a
/// tool's name or alias (<c>exec</c>, <c>bash</c>), a name pattern (<c>web_*</c>), an entry-id pattern
/// (<c>app.generated:*</c>), a group (<c>group:fs</c>) or a pattern over groups (<c>group:*</c> = every tool
/// of every group). Letter case never matters. Names that match nothing the catalog knows are reported.
/// </summary>
public sealed class ToolSelector
{
    private readonly Matcher _matcher;

    private ToolSelector(string text, Matcher matcher)
    {
        Text = text;
        _matcher = matcher;
    }

    /// <summary>The item as written.</summary>
    public string Text { get; }

    public bool Matches(PolicyTool tool) => _matcher.Tool(tool);

    /// <summary>Whether the item matches every tool of <paramref name="family"/>, whatever they turn out to be called.</summary>
    public bool MatchesEvery(ToolFamily family) => _matcher.Every(family);

    /// <summary>Whether the item can match some tool of <paramref name="family"/>.</summary>
    public bool MatchesSome(ToolFamily family) => _matcher.Some(family);

    /// <summary>What an item matches: known tools, and tools of a family known only by their names' beginnings.</summary>
    private sealed record Matcher(Func<PolicyTool, bool> Tool, Func<ToolFamily, bool> Every, Func<ToolFamily, bool> Some)
    {
        public static Matcher All { get; } = new(_ => true, _ => true, _ => true);

        public static Matcher Nothing { get; } = new(_ => false, _ => false, _ => false);
    }

    /// <param name="where">Where the item was written (e.g. <c>--tools-allow</c>), for the problems reported.</param>
    /// <param name="problems">Receives why the item is unknown or matches nothing.</param>
    public static ToolSelector Resolve(string item, ToolCatalog catalog, string where, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(problems);
        var text = item.Trim();
        return new ToolSelector(text, Compile(text, catalog, where, problems, visiting: [], topLevel: true));
    }

    private static Matcher Compile(string text, ToolCatalog catalog, string where, ICollection<string> problems, HashSet<string> visiting, bool topLevel)
    {
        if (text.Length == 0)
        {
            problems.Add($"{where}: an empty tool name; remove it or name a tool or group");
            return Matcher.Nothing;
        }
        if (text == "*") return Matcher.All;
        if (ToolGroup.IsGroupName(text)) return Groups(text, catalog, where, problems, visiting);

        var byId = text.Contains(':', StringComparison.Ordinal);
        var plainName = !byId && !Wildcard.HasWildcard(text);
        var matcher = byId
            ? new Matcher(tool => Wildcard.Matches(text, tool.Id.ToString()), family => family.AllMatch(text, byId: true), family => family.SomeMatch(text, byId: true))
            : !plainName
                ? new Matcher(tool => Wildcard.Matches(text, tool.Name) || tool.Aliases.Any(a => Wildcard.Matches(text, a)),
                    family => family.AllMatch(text, byId: false), family => family.SomeMatch(text, byId: false))
                : new Matcher(tool => tool.IsCalled(text), _ => false, family => family.CanBeNamed(text));
        // A group may list tools that do not exist here (group:mcp without MCP servers): only what the user wrote is checked.
        if (topLevel && !catalog.Knows(matcher.Tool, plainName ? text : null) && !catalog.Unlisted.Any(matcher.Some)) problems.Add($"{where}: {Unknown(text, catalog)}");
        return matcher;
    }

    private static Matcher Groups(string text, ToolCatalog catalog, string where, ICollection<string> problems, HashSet<string> visiting)
    {
        var groups = Wildcard.HasWildcard(text)
            ? catalog.Groups.Where(g => Wildcard.Matches(text, g.Name)).ToList()
            : catalog.Group(text) is { } one ? [one] : [];
        if (groups.Count == 0)
        {
            problems.Add($"{where}: unknown tool group '{text}'; the groups are {string.Join(", ", catalog.Groups.Select(g => g.Name))} ('microagi tools groups' lists their tools)");
            return Matcher.Nothing;
        }
        var members = new List<Matcher>();
        foreach (var group in groups)
        {
            if (!visiting.Add(group.Name))
            {
                problems.Add($"tool group {group.Name} includes itself (through {string.Join(" → ", visiting)}); remove the loop");
                continue;
            }
            members.AddRange(group.Members.Select(m => Compile(m, catalog, $"tool group {group.Name}", problems, visiting, topLevel: false)));
            visiting.Remove(group.Name);
        }
        return new Matcher(tool => members.Exists(m => m.Tool(tool)), family => members.Exists(m => m.Every(family)), family => members.Exists(m => m.Some(family)));
    }

    private static string Unknown(string text, ToolCatalog catalog)
    {
        if (text.Contains(':', StringComparison.Ordinal) || Wildcard.HasWildcard(text)) return $"'{text}' matches no tool";
        if (catalog.Group(ToolGroup.Prefix + text) is { } group) return $"unknown tool '{text}'; did you mean the group '{group.Name}'?";
        var names = catalog.Tools.Select(t => t.Name).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase);
        return $"unknown tool '{text}'; the tools are {string.Join(", ", names)} ('microagi tools list' shows them)";
    }
}
