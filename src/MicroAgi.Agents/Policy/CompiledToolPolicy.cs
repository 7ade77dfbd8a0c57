using MicroAgi.Registry;

namespace MicroAgi.Agents.Policy;

/// <summary>Where a tool is filtered: the provider in use, and whether the agent is a subagent of another.</summary>
/// <param name="Provider">The provider id the session's model actually runs on (<c>openai</c>, <c>anthropic</c>, a configured id).</param>
/// <param name="ParentTools">For a subagent, the tools its parent is offered: it never gets one the parent lacks. Null for a top-level agent.</param>
public sealed record ToolPolicyContext(string? Provider = null, IReadOnlySet<EntryId>? ParentTools = null)
{
    public bool IsSubagent => ParentTools is not null;
}

/// <summary>A tool the filter took away, the layer that did, and why.</summary>
public sealed record FilteredTool(PolicyTool Tool, ToolPolicyLayer Layer, string Reason);

/// <summary>What the filter kept and what it removed.</summary>
public sealed record ToolFilterResult(IReadOnlyList<PolicyTool> Allowed, IReadOnlyList<FilteredTool> Removed)
{
    public bool Allows(EntryId id) => Allowed.Any(t => t.Id == id);

    /// <summary>
    /// The message for a call to <paramref name="name"/> that the policy refuses, or null when the policy does
    /// not refuse it (it is allowed, or it is no tool the filter saw).
    /// </summary>
    public string? Refusal(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var removed = Removed.FirstOrDefault(r => string.Equals(r.Tool.Name, name, StringComparison.Ordinal));
        return removed is null ? null : $"the tool '{removed.Tool.Name}' is not available in this session: the {Describe(removed.Layer)} removed it ({removed.Reason}); use one of the tools you are offered";
    }

    public static string Describe(ToolPolicyLayer layer) => layer switch
    {
        ToolPolicyLayer.Global => "tool policy",
        ToolPolicyLayer.Provider => "tool policy for this provider",
        _ => "subagent tool policy",
    };
}

/// <summary>
/// A <see cref="ToolPolicy"/> with every name resolved: the filter applied to what the model is offered and
/// again when a call arrives. The layers apply in order and each only removes.
/// </summary>
public sealed class CompiledToolPolicy
{
    private readonly IReadOnlyList<CompiledRules> _global;
    private readonly IReadOnlyList<(string Provider, CompiledRules Rules)> _byProvider;
    private readonly CompiledRules _subagent;

    internal CompiledToolPolicy(IReadOnlyList<CompiledRules> global, IReadOnlyList<(string, CompiledRules)> byProvider, CompiledRules subagent, IReadOnlyList<string> problems)
    {
        _global = global;
        _byProvider = byProvider;
        _subagent = subagent;
        Problems = problems;
    }

    /// <summary>Names the catalog does not know (a misspelt tool or group), and unusable group entries.</summary>
    public IReadOnlyList<string> Problems { get; }

    public ToolFilterResult Filter(IEnumerable<PolicyTool> tools, ToolPolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(context);
        var allowed = new List<PolicyTool>();
        var removed = new List<FilteredTool>();
        foreach (var tool in tools)
        {
            if (Removal(tool, context) is { } filtered) removed.Add(filtered);
            else allowed.Add(tool);
        }
        return new ToolFilterResult(allowed, removed);
    }

    /// <summary>
    /// Whether the global rules remove every tool of <paramref name="family"/> whatever its tools are called (the
    /// other layers depend on the provider and the parent, unknown before a session runs). False when unsure.
    /// </summary>
    public bool RemovesEvery(ToolFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        return _global.Any(rules => rules.RemovesEvery(family));
    }

    /// <summary>Why the first layer that removes <paramref name="tool"/> does, or null when every layer lets it through.</summary>
    public FilteredTool? Removal(PolicyTool tool, ToolPolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(context);
        foreach (var rules in _global)
        {
            if (rules.Removes(tool) is { } reason) return new FilteredTool(tool, ToolPolicyLayer.Global, reason);
        }
        if (context.Provider is { } provider)
        {
            foreach (var (key, rules) in _byProvider)
            {
                if (!string.Equals(key, provider.Trim(), StringComparison.OrdinalIgnoreCase)) continue;
                if (rules.Removes(tool) is { } reason) return new FilteredTool(tool, ToolPolicyLayer.Provider, reason);
            }
        }
        if (context.ParentTools is { } parent)
        {
            if (_subagent.Removes(tool) is { } reason) return new FilteredTool(tool, ToolPolicyLayer.Subagent, reason);
            if (!parent.Contains(tool.Id)) return new FilteredTool(tool, ToolPolicyLayer.Subagent, "the parent agent does not have it");
        }
        return null;
    }
}
