using MicroAgi.Agents.Definitions;
using MicroAgi.Agents.Policy;
using MicroAgi.Functions.Tools;
using MicroAgi.Registry;
using MicroAgi.Security;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// An agent definition plus the tools added to it at runtime. <see cref="LoadAgent"/> compiles a
/// runner from the registry as it is now — definition, tool schemas and model — so tools created or
/// changed during the session are picked up by the next load. A tool is added only when the
/// definition's <see cref="ToolLoadGrant"/> covers it, and checked again at every load (the
/// definition may have narrowed since).
/// </summary>
public sealed class AgentContext(AgentServices services, EntryId agentId)
{
    private readonly List<EntryId> _addedTools = [];
    private readonly HashSet<EntryId> _undeferred = [];

    public EntryId AgentId { get; } = agentId;

    /// <summary>What this session changed at runtime: model, generation settings, window, tool set.</summary>
    public SessionTuning Tuning { get; } = new(services.Settings.MaxIterations);

    public IReadOnlyList<EntryId> AddedTools => _addedTools;

    /// <summary>Which of the resolved tools this context may offer (a subagent's narrower grant); all when null.</summary>
    public Func<RegistryToolFunction, bool>? ToolFilter { get; init; }

    /// <summary>For a subagent, the tools its parent is offered: the tool policy's subagent layer applies. Null for a top-level agent.</summary>
    public IReadOnlySet<EntryId>? ParentTools { get; init; }

    /// <summary>Adds tools by id (load_tool). Schemas are checked at the next <see cref="LoadAgent"/>.</summary>
    /// <exception cref="ToolNotLoadableException">The agent's grant does not cover one of them; none is added.</exception>
    public void AddTools(params IEnumerable<EntryId> ids)
    {
        var list = ids.ToList();
        var grant = Grant();
        if (list.Select(grant.Refusal).FirstOrDefault(r => r is not null) is { } refusal) throw new ToolNotLoadableException(refusal);
        foreach (var id in list)
        {
            if (!_addedTools.Contains(id)) _addedTools.Add(id);
        }
    }

    /// <summary>
    /// Re-adds the tools a resumed session had loaded. Those the grant does not cover stay out.
    /// </summary>
    /// <returns>Why each refused tool stayed out.</returns>
    public IReadOnlyList<string> RestoreTools(IEnumerable<EntryId> ids)
    {
        var grant = Grant();
        var refused = new List<string>();
        foreach (var id in ids)
        {
            if (grant.Refusal(id) is { } refusal) refused.Add(refusal);
            else if (!_addedTools.Contains(id)) _addedTools.Add(id);
        }
        return refused;
    }

    /// <summary>
    /// Offers a deferred tool with its schema from the next load on (the model called it, or loaded it). It is
    /// granted by the definition already, so no load grant is asked.
    /// </summary>
    public void Undefer(EntryId id) => _undeferred.Add(id);

    /// <summary>Takes back a tool added at runtime (one the runner could not bind).</summary>
    public void RemoveTool(EntryId id) => _addedTools.Remove(id);

    /// <summary>What the agent, as the registry defines it now, may load.</summary>
    public ToolLoadGrant Grant() => ToolLoadGrant.Of(ReadDefinition());

    public AgentRunner LoadAgent()
    {
        var (definition, tools, problems, policy) = ResolveFiltered();
        var model = services.Models().Resolve(ModelName(definition));
        definition = definition with
        {
            Prompt = services.PromptContext() is { Length: > 0 } context ? definition.Prompt.TrimEnd() + "\n\n" + context : definition.Prompt,
            Temperature = Tuning.Temperature ?? definition.Temperature,
            ThinkingEffort = Tuning.ThinkingEffort ?? definition.ThinkingEffort,
        };
        var available = tools.Where(t => !Tuning.IsUnregistered(t.Tool.Id)).ToList();
        var deferredPatterns = definition.Deferred.Select(p => new PolicyPattern(p)).ToArray();
        var deferred = available.Where(t => !_undeferred.Contains(t.Tool.Id) && !_addedTools.Contains(t.Tool.Id)
            && Array.Exists(deferredPatterns, p => p.Matches(t.Tool.Id.ToString()))).ToList();
        if (deferred.Count > 0) definition = definition with { Prompt = definition.Prompt.TrimEnd() + "\n\n" + DeferredToolsPrompt.For(deferred) };
        var offered = available.Except(deferred).ToList();
        return new AgentRunner(definition, model, services.ChatClientFor(model), offered, problems, services.Settings.Stream, services.Registry) { Policy = policy, Deferred = deferred };
    }

    /// <summary>
    /// The definition as the registry holds it now and the tools it grants: its own and those added at runtime,
    /// without the ones the configuration disabled or the tool policy filters out, with those unregistered at
    /// runtime (the runner leaves them out).
    /// </summary>
    public (AgentDefinition Definition, IReadOnlyList<RegistryToolFunction> Tools, IReadOnlyList<ToolResolver.Problem> Problems) Resolve()
    {
        var (definition, tools, problems, _) = ResolveFiltered();
        return (definition, tools, problems);
    }

    /// <summary>
    /// <see cref="Resolve"/> and the tool policy's verdict, for the provider the session's model runs on. A tool
    /// added at runtime that the policy removes is a problem (load_tool reports it); one the definition lists is
    /// simply not offered, and a call to it is refused with the reason.
    /// </summary>
    private (AgentDefinition Definition, IReadOnlyList<RegistryToolFunction> Tools, IReadOnlyList<ToolResolver.Problem> Problems, ToolFilterResult Policy) ResolveFiltered()
    {
        var snapshot = services.Registry.Snapshot();
        var definition = ReadDefinition(snapshot);
        var grant = ToolLoadGrant.Of(definition);
        var (tools, problems) = ToolResolver.Resolve(snapshot, definition.Tools.Concat(_addedTools.Where(grant.Allows).Select(id => id.ToString())), services.Tools);
        if (ToolFilter is { } allowed) tools = tools.Where(allowed).ToList();
        var refused = _addedTools.Where(id => !grant.Allows(id)).Select(id => new ToolResolver.Problem(id.ToString(), grant.Refusal(id)!));
        tools = tools.Where(t => !services.Settings.DisabledTools.Contains(t.Tool.Id)).ToList();

        var provider = services.ProviderOf(services.Models().Resolve(ModelName(definition)));
        var policy = services.Settings.ToolPolicy.Compile(ToolCatalog.FromRegistry(snapshot))
            .Filter(tools.Select(t => PolicyTool.FromEntry(t.Tool.Entry)), new ToolPolicyContext(provider, ParentTools));
        var filtered = policy.Removed.Where(r => _addedTools.Contains(r.Tool.Id))
            .Select(r => new ToolResolver.Problem(r.Tool.Id.ToString(), $"the {ToolFilterResult.Describe(r.Layer)} removes it ({r.Reason})"));
        return (definition, tools.Where(t => policy.Allows(t.Tool.Id)).ToList(), [.. problems, .. refused, .. filtered], policy);
    }

    /// <summary>The agent's definition as the registry holds it, before the session's tuning is applied.</summary>
    public AgentDefinition ReadDefinition(RegistrySnapshot? snapshot = null)
    {
        var entry = (snapshot ?? services.Registry.Snapshot()).Get(AgentId)
            ?? throw new AgentDefinitionException(AgentId, "not found in the registry (see 'microagi registry list --type agent.gen1')");
        return AgentDefinition.FromEntry(entry);
    }

    /// <summary>The model name or class the session runs on: the runtime choice, the user's, the agent's, the default.</summary>
    public string ModelName(AgentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Tuning.Model ?? ConfiguredModelName(definition);
    }

    /// <summary>The model as configured, before any runtime change.</summary>
    public string ConfiguredModelName(AgentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return services.Settings.ModelOverride ?? definition.Model ?? services.Settings.DefaultModel;
    }
}
