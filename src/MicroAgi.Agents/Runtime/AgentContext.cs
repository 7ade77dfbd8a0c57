using MicroAgi.Agents.Definitions;
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
        var snapshot = services.Registry.Snapshot();
        var entry = snapshot.Get(AgentId)
            ?? throw new AgentDefinitionException(AgentId, "not found in the registry (see 'microagi registry list --type agent.gen1')");
        var definition = AgentDefinition.FromEntry(entry);
        var (tools, problems) = ToolResolver.Resolve(snapshot, definition.Tools.Concat(_addedTools.Select(id => id.ToString())), services.Tools);
        var settings = services.Settings;
        var model = services.Models().Resolve(settings.ModelOverride ?? definition.Model ?? settings.DefaultModel);
        return new AgentRunner(definition, model, services.ChatClientFor(model), tools, problems, settings.Stream);
    }
}
