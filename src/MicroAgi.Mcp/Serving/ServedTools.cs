using MicroAgi.Agents.Definitions;
using MicroAgi.Agents.Policy;
using MicroAgi.Agents.Runtime;
using MicroAgi.Functions;
using MicroAgi.Functions.Tools;
using MicroAgi.Registry;

namespace MicroAgi.Mcp.Serving;

/// <summary>
/// Which registry tools <c>microagi mcp serve</c> offers: those the agent would be offered (its
/// <c>tools</c> list) plus every tool it may load (its <c>loadable</c> patterns, by default
/// <c>app.generated:*</c>), so a tool the agent wrote is served like a built-in one. The tools that only
/// make sense inside an agent session are left out (see <see cref="SessionOnly"/>).
/// </summary>
public static class ServedTools
{
    /// <summary>
    /// <c>self</c> changes a running session, <c>sessions_spawn</c> starts child agents of one, and
    /// <c>load_tool</c> adds a tool to one — a server has no session, and serves every loadable tool anyway;
    /// <c>add_mcp_server</c> starts a server for a session's agent to use.
    /// </summary>
    public static IReadOnlySet<EntryId> SessionOnly { get; } = new HashSet<EntryId>
    {
        AgentSettings.SelfToolId,
        ToolCallExecutor.LoadToolId,
        ToolCallExecutor.AddMcpServerId,
        new("app.tools", "sessions_spawn"),
    };

    /// <summary>The served tools as the registry holds them now, and the tools that cannot be served and why.</summary>
    /// <param name="policy">The tool policy that narrows what is served (<c>--tools-allow</c>, <c>--tools-deny</c>); null serves all.</param>
    /// <exception cref="AgentDefinitionException">The agent is missing or its definition is invalid.</exception>
    public static (IReadOnlyList<RegistryToolFunction> Tools, IReadOnlyList<ToolResolver.Problem> Problems) Resolve(
        RegistrySnapshot snapshot, EntryId agent, IFunctionCaller caller, ToolPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var entry = snapshot.Get(agent)
            ?? throw new AgentDefinitionException(agent, "not found in the registry (see 'microagi registry list --type agent.gen1'); pass --agent with an agent id");
        var definition = AgentDefinition.FromEntry(entry);
        var grant = ToolLoadGrant.Of(definition);
        var loadable = snapshot.Find(ToolEntry.Query())
            .Where(tool => grant.Allows(tool.Id))
            .OrderBy(tool => tool.Id.ToString(), StringComparer.Ordinal)
            .Select(tool => tool.Id.ToString());
        var (tools, problems) = ToolResolver.Resolve(snapshot, definition.Tools.Concat(loadable), caller);
        var served = tools.Where(tool => !SessionOnly.Contains(tool.Tool.Id));
        if (policy is not null)
        {
            // Compiled against this state: a group may have gained members since the server started.
            var compiled = policy.Compile(ToolCatalog.FromRegistry(snapshot));
            var context = new ToolPolicyContext();
            served = served.Where(tool => compiled.Removal(PolicyTool.FromEntry(tool.Tool.Entry), context) is null);
        }
        return (served.ToList(), problems);
    }
}
