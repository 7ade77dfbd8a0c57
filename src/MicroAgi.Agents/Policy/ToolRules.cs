namespace MicroAgi.Agents.Policy;

/// <summary>
/// One allow/deny pair. Deny wins over allow. With no allow list (<c>null</c>) every tool is allowed; an
/// allow list that is present but empty allows nothing (an explicit "no tools").
/// </summary>
/// <param name="Source">Where the rules come from, as shown to the user (<c>profile coder</c>, <c>--tools-deny</c>).</param>
public sealed record ToolRules(string Source, IReadOnlyList<string>? Allow = null, IReadOnlyList<string>? Deny = null)
{
    /// <summary>How reasons and problems name the allow list (<c>profile coder tools.allow</c>, <c>--tools-allow</c>).</summary>
    public string AllowSource { get; init; } = Source + " allow";

    /// <summary>How reasons and problems name the deny list.</summary>
    public string DenySource { get; init; } = Source + " deny";

    public bool IsEmpty => Allow is null && (Deny is null || Deny.Count == 0);

    internal CompiledRules Compile(ToolCatalog catalog, ICollection<string> problems) => new(
        this,
        Allow?.Select(a => ToolSelector.Resolve(a, catalog, AllowSource, problems)).ToList(),
        (Deny ?? []).Select(d => ToolSelector.Resolve(d, catalog, DenySource, problems)).ToList());
}

/// <summary>A <see cref="ToolRules"/> whose names are resolved.</summary>
internal sealed record CompiledRules(ToolRules Rules, IReadOnlyList<ToolSelector>? Allow, IReadOnlyList<ToolSelector> Deny)
{
    /// <summary>Why <paramref name="tool"/> is removed by these rules, or null when it stays.</summary>
    public string? Removes(PolicyTool tool)
    {
        if (Deny.FirstOrDefault(d => d.Matches(tool)) is { } deny) return $"denied by '{deny.Text}' ({Rules.DenySource})";
        if (Allow is null) return null;
        if (Allow.Count == 0) return $"the allow list is empty ({Rules.AllowSource})";
        return Allow.Any(a => a.Matches(tool)) ? null : $"not in the allow list ({Rules.AllowSource})";
    }

    /// <summary>Whether these rules remove every tool of <paramref name="family"/>: a deny item covers them all, or no allow item can match one.</summary>
    public bool RemovesEvery(ToolFamily family) =>
        Deny.Any(d => d.MatchesEvery(family)) || (Allow is not null && !Allow.Any(a => a.MatchesSome(family)));
}
