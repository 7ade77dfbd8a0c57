using MicroAgi.Functions.Tools;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Policy;

/// <summary>
/// What tool policies can name: every tool (with its aliases) and every group. Names in a policy are checked
/// against it, so a misspelt tool or group is reported instead of silently matching nothing.
/// </summary>
public sealed class ToolCatalog
{
    private readonly Dictionary<string, ToolGroup> _groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _problems = [];
    private readonly Lazy<IReadOnlyList<PolicyTool>> _tools;
    private readonly Func<string, IEnumerable<PolicyTool>>? _named;
    private readonly Func<IEnumerable<PolicyTool>>? _streamed;

    /// <summary>How many tools a search reads from the registry at a time.</summary>
    private const int PageSize = 200;

    /// <param name="tools">Every tool a policy may name (those of the registry, plus tools that are not entries, such as MCP servers').</param>
    /// <param name="groups">The groups; two with the same name (in different namespaces) are reported and the first is kept.</param>
    public ToolCatalog(IEnumerable<PolicyTool> tools, IEnumerable<ToolGroup> groups)
        : this(() => [.. tools], groups)
    {
        ArgumentNullException.ThrowIfNull(tools);
    }

    /// <param name="tools">Reads every tool, when a listing or an unknown name needs them all.</param>
    /// <param name="named">The tools that may answer to a name, found through the registry's indexes.</param>
    /// <param name="streamed">Every tool a page at a time, so a search can stop at its first match.</param>
    private ToolCatalog(Func<IReadOnlyList<PolicyTool>> tools, IEnumerable<ToolGroup> groups,
        Func<string, IEnumerable<PolicyTool>>? named = null, Func<IEnumerable<PolicyTool>>? streamed = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _tools = new Lazy<IReadOnlyList<PolicyTool>>(tools);
        _named = named;
        _streamed = streamed;
        foreach (var group in groups)
        {
            if (_groups.TryGetValue(group.Name, out var first)) _problems.Add($"tool group {group.Id} has the same name as {first.Id} ({group.Name}); only {first.Id} is used");
            else _groups[group.Name] = group;
        }
    }

    /// <summary>
    /// The tools and groups of a registry state; a malformed group entry is reported and left out. The tools are
    /// not read up front: checking a policy's names finds each through the registry's indexes (name, alias), so
    /// compiling a policy — at every load of an agent — costs the same with 100 or 100,000 generated tools.
    /// </summary>
    /// <param name="extraTools">Tools that are not registry entries (MCP servers' tools), so policies may name them.</param>
    /// <param name="unlisted">Tools known only by how their names begin (the tools of MCP servers not started): a name that can be one of them is no typo.</param>
    public static ToolCatalog FromRegistry(RegistrySnapshot registry, IEnumerable<PolicyTool>? extraTools = null, IEnumerable<ToolFamily>? unlisted = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var extra = extraTools?.ToList() ?? [];
        var groups = new List<ToolGroup>();
        var problems = new List<string>();
        foreach (var entry in registry.Find(EntryQuery.ByKind(ToolGroup.Kind)).OrderBy(e => e.Id.ToString(), StringComparer.Ordinal))
        {
            try
            {
                groups.Add(ToolGroup.FromEntry(entry));
            }
            catch (ToolPolicyException ex)
            {
                problems.Add(ex.Message);
            }
        }
        var catalog = new ToolCatalog(
            () => [.. registry.Find(ToolEntry.Query()).Select(PolicyTool.FromEntry), .. extra],
            groups,
            name => Named(registry, name).Concat(extra),
            () => Streamed(registry).Concat(extra));
        catalog._problems.InsertRange(0, problems);
        catalog.Unlisted = unlisted?.ToList() ?? [];
        return catalog;
    }

    /// <summary>Tools that exist but are not listed, known by how their names begin (see <see cref="FromRegistry"/>).</summary>
    public IReadOnlyList<ToolFamily> Unlisted { get; private set; } = [];

    /// <summary>Every tool (read in full on first use: for listings and for the names an unknown name is told).</summary>
    public IReadOnlyList<PolicyTool> Tools => _tools.Value;

    /// <summary>
    /// Whether any tool matches. <paramref name="name"/>, when the selector is a plain name, is looked up through
    /// the indexes first (entry name, <c>meta.llm_alias</c>, <c>meta.aliases</c>, as written); a pattern, or a
    /// name written in another letter case, reads the tools a page at a time until one matches.
    /// </summary>
    public bool Knows(Func<PolicyTool, bool> matches, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(matches);
        if (name is not null && _named is not null && _named(name).Any(matches)) return true;
        return _tools.IsValueCreated || _streamed is null ? Tools.Any(matches) : _streamed().Any(matches);
    }

    private static IEnumerable<PolicyTool> Named(RegistrySnapshot registry, string name) =>
        registry.Find(ToolEntry.Query(new EntryQuery { Name = name }))
            .Concat(registry.Find(ToolEntry.Query().WithMeta("llm_alias", name)))
            .Concat(registry.Find(ToolEntry.Query().WithMeta("aliases", name)))
            .Select(PolicyTool.FromEntry);

    private static IEnumerable<PolicyTool> Streamed(RegistrySnapshot registry)
    {
        EntryId? after = null;
        EntryPage page;
        do
        {
            page = registry.FindPage(ToolEntry.Query(), after, PageSize);
            foreach (var entry in page.Entries) yield return PolicyTool.FromEntry(entry);
            if (page.Entries.Count > 0) after = page.Entries[^1].Id;
        }
        while (page.More);
    }

    /// <summary>The groups, by name.</summary>
    public IEnumerable<ToolGroup> Groups => _groups.Values.OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Group entries that could not be used (malformed, or a name taken twice).</summary>
    public IReadOnlyList<string> Problems => _problems;

    public ToolGroup? Group(string name) => _groups.GetValueOrDefault(name.Trim());
}
