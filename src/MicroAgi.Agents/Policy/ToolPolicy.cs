namespace MicroAgi.Agents.Policy;

/// <summary>The three layers of the tool filter, in the order they apply.</summary>
public enum ToolPolicyLayer
{
    /// <summary>The global allow/deny lists: the profile's, then the command line's (each only narrows).</summary>
    Global,

    /// <summary>The rules of <c>byProvider</c> for the provider the session actually runs on.</summary>
    Provider,

    /// <summary>A subagent's restrictions: never <c>sessions_spawn</c>, the configured extras, nothing its parent lacks.</summary>
    Subagent,
}

/// <summary>
/// Which tools an agent is offered, as configured: global allow/deny rule sets (every one must let a tool
/// through, so a later set — <c>--tools-allow</c> — can only narrow an earlier one), per-provider rules and
/// the extra tools subagents are denied. Compile it against a <see cref="ToolCatalog"/> to filter tools.
/// </summary>
public sealed record ToolPolicy
{
    /// <summary>The tool every subagent is denied: a child spawning children would escape its parent's limits.</summary>
    public const string SpawnTool = Tools.Subagents.SubagentLauncher.ToolName;

    public static ToolPolicy Open { get; } = new();

    public IReadOnlyList<ToolRules> Global { get; init; } = [];

    /// <summary>Rules per provider id; keys match the provider in use whatever their letter case.</summary>
    public IReadOnlyDictionary<string, ToolRules> ByProvider { get; init; } = new Dictionary<string, ToolRules>();

    /// <summary>Tools subagents are denied besides <see cref="SpawnTool"/>.</summary>
    public IReadOnlyList<string> SubagentDeny { get; init; } = [];

    /// <summary>This policy with one more global rule set, which can only remove tools.</summary>
    public ToolPolicy Narrowed(ToolRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return rules.IsEmpty ? this : this with { Global = [.. Global, rules] };
    }

    /// <summary>Resolves every name; those the catalog does not know are in <see cref="CompiledToolPolicy.Problems"/>.</summary>
    public CompiledToolPolicy Compile(ToolCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var problems = new List<string>(catalog.Problems);
        var global = Global.Select(r => r.Compile(catalog, problems)).ToList();
        var byProvider = ByProvider.Select(p => (Provider: p.Key.Trim(), Rules: new ToolRules($"byProvider.{p.Key}", p.Value.Allow, p.Value.Deny).Compile(catalog, problems))).ToList();
        var subagent = new ToolRules("subagent restrictions", Deny: [SpawnTool, .. SubagentDeny]).Compile(catalog, problems);
        return new CompiledToolPolicy(global, byProvider, subagent, problems);
    }
}
