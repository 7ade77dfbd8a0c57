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

    /// <param name="tools">Every tool a policy may name (those of the registry, plus tools that are not entries, such as MCP servers').</param>
    /// <param name="groups">The groups; two with the same name (in different namespaces) are reported and the first is kept.</param>
    public ToolCatalog(IEnumerable<PolicyTool> tools, IEnumerable<ToolGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(groups);
        Tools = [.. tools];
        foreach (var group in groups)
        {
            if (_groups.TryGetValue(group.Name, out var first)) _problems.Add($"tool group {group.Id} has the same name as {first.Id} ({group.Name}); only {first.Id} is used");
            else _groups[group.Name] = group;
        }
    }

    /// <summary>The tools and groups of a registry state; a malformed group entry is reported and left out.</summary>
    /// <param name="extraTools">Tools that are not registry entries (MCP servers' tools), so policies may name them.</param>
    public static ToolCatalog FromRegistry(RegistrySnapshot registry, IEnumerable<PolicyTool>? extraTools = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var tools = registry.Find(ToolEntry.Query()).Select(PolicyTool.FromEntry);
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
        var catalog = new ToolCatalog(tools.Concat(extraTools ?? []), groups);
        catalog._problems.InsertRange(0, problems);
        return catalog;
    }

    public IReadOnlyList<PolicyTool> Tools { get; }

    /// <summary>The groups, by name.</summary>
    public IEnumerable<ToolGroup> Groups => _groups.Values.OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Group entries that could not be used (malformed, or a name taken twice).</summary>
    public IReadOnlyList<string> Problems => _problems;

    public ToolGroup? Group(string name) => _groups.GetValueOrDefault(name.Trim());
}
