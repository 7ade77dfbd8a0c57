using MicroAgi.Agents.Definitions;
using MicroAgi.Functions.Tools;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// An agent definition plus the tools added to it at runtime. <see cref="LoadAgent"/> compiles a
/// runner from the registry as it is now — definition, tool schemas and model — so tools created or
/// changed during the session are picked up by the next load.
/// </summary>
public sealed class AgentContext(AgentServices services, EntryId agentId)
{
    private readonly List<EntryId> _addedTools = [];

    public EntryId AgentId { get; } = agentId;

    /// <summary>What this session changed at runtime: model, generation settings, window, tool set.</summary>
    public SessionTuning Tuning { get; } = new(services.Settings.MaxIterations);

    public IReadOnlyList<EntryId> AddedTools => _addedTools;

    /// <summary>Adds tools by id (load_tool). Checks happen at the next <see cref="LoadAgent"/>.</summary>
    public void AddTools(params IEnumerable<EntryId> ids)
    {
        foreach (var id in ids)
        {
            if (!_addedTools.Contains(id)) _addedTools.Add(id);
        }
    }

    /// <summary>Takes back a tool added at runtime (one the runner could not bind).</summary>
    public void RemoveTool(EntryId id) => _addedTools.Remove(id);

    public AgentRunner LoadAgent()
    {
        var (definition, tools, problems) = Resolve();
        var model = services.Models().Resolve(ModelName(definition));
        definition = definition with
        {
            Temperature = Tuning.Temperature ?? definition.Temperature,
            ThinkingEffort = Tuning.ThinkingEffort ?? definition.ThinkingEffort,
        };
        var offered = tools.Where(t => !Tuning.IsUnregistered(t.Tool.Id)).ToList();
        return new AgentRunner(definition, model, services.ChatClientFor(model), offered, problems, services.Settings.Stream);
    }

    /// <summary>
    /// The definition as the registry holds it now and the tools it grants: its own and those added at runtime,
    /// without the ones the configuration disabled, with those unregistered at runtime (the runner leaves them out).
    /// </summary>
    public (AgentDefinition Definition, IReadOnlyList<RegistryToolFunction> Tools, IReadOnlyList<ToolResolver.Problem> Problems) Resolve()
    {
        var snapshot = services.Registry.Snapshot();
        var definition = ReadDefinition(snapshot);
        var (tools, problems) = ToolResolver.Resolve(snapshot, definition.Tools.Concat(_addedTools.Select(id => id.ToString())), services.Tools);
        return (definition, tools.Where(t => !services.Settings.DisabledTools.Contains(t.Tool.Id)).ToList(), problems);
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
