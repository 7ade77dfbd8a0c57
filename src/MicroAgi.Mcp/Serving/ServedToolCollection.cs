using MicroAgi.Agents.Definitions;
using MicroAgi.Agents.Policy;
using MicroAgi.Agents.Runtime;
using MicroAgi.Functions;
using MicroAgi.Functions.Tools;
using MicroAgi.Registry;
using ModelContextProtocol.Server;

namespace MicroAgi.Mcp.Serving;

/// <summary>
/// The MCP server's tool collection, kept equal to <see cref="ServedTools"/> over the live registry.
/// Every registry change (this process's, or another's taken in by <see cref="RegistryWatch"/>) re-reads
/// the served set; when a client would see a difference the collection changes in one step, and the SDK
/// sends <c>notifications/tools/list_changed</c> to every connected session.
/// </summary>
public sealed class ServedToolCollection : IDisposable
{
    private readonly IRegistry _registry;
    private readonly EntryId _agent;
    private readonly McpToolInvoker _invoker;
    private readonly IFunctionCaller _caller;
    private readonly ToolPolicy? _policy;
    private readonly Action<string> _warn;
    private readonly Lock _gate = new();
    private IReadOnlyList<string> _lastProblems = [];

    /// <param name="warn">Where a tool that cannot be served, or an agent definition that cannot be read, is reported.</param>
    /// <param name="policy">What narrows the served tools (see <see cref="ServedTools.Resolve"/>).</param>
    public ServedToolCollection(IRegistry registry, EntryId agent, IFunctionCaller caller, McpToolInvoker invoker, Action<string> warn, ToolPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(warn);
        _registry = registry;
        _agent = agent;
        _invoker = invoker;
        _caller = caller;
        _policy = policy;
        _warn = warn;
        // The first read fails loudly: a server with a missing agent should not start.
        var (tools, problems) = ServedTools.Resolve(registry.Snapshot(), agent, caller, policy);
        Apply(tools, problems);
        _registry.Changed += OnRegistryChanged;
    }

    public McpServerPrimitiveCollection<McpServerTool> Tools { get; } = new(StringComparer.Ordinal);

    /// <summary>Raised after the served set changed (tests and logs; the SDK notifies clients on its own).</summary>
    public event EventHandler? Changed;

    private void OnRegistryChanged(object? sender, RegistryChangedEventArgs e)
    {
        try
        {
            var (tools, problems) = ServedTools.Resolve(_registry.Snapshot(), _agent, _caller, _policy);
            Apply(tools, problems);
        }
        catch (AgentDefinitionException ex)
        {
            // Keep serving what was served: a broken definition should not empty a client's tool list.
            _warn($"{ex.Message}; still serving the tools from before the change");
        }
    }

    private void Apply(IReadOnlyList<RegistryToolFunction> bindings, IReadOnlyList<ToolResolver.Problem> problems)
    {
        bool changed;
        lock (_gate)
        {
            ReportNew(problems);
            var wanted = bindings.ToDictionary(b => b.Name, StringComparer.Ordinal);
            var stale = Tools.OfType<RegistryMcpTool>()
                .Where(tool => !wanted.TryGetValue(tool.ProtocolTool.Name, out var binding) || !tool.LooksLike(binding))
                .ToList();
            var current = Tools.PrimitiveNames.Except(stale.Select(t => t.ProtocolTool.Name)).ToHashSet(StringComparer.Ordinal);
            var added = bindings.Where(b => !current.Contains(b.Name)).ToList();
            changed = stale.Count > 0 || added.Count > 0;
            if (!changed) return;
            // One notification for the whole change, however many tools it touched.
            using (Tools.DeferChangedEvents())
            {
                foreach (var tool in stale) Tools.Remove(tool);
                foreach (var binding in added) Tools.Add(new RegistryMcpTool(binding, _invoker));
            }
        }
        Changed?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Each problem once, not at every registry change.</summary>
    private void ReportNew(IReadOnlyList<ToolResolver.Problem> problems)
    {
        var texts = problems.Select(p => $"tool {p.Tool} is not served: {p.Reason}").ToList();
        foreach (var text in texts.Except(_lastProblems, StringComparer.Ordinal)) _warn(text);
        _lastProblems = texts;
    }

    public void Dispose() => _registry.Changed -= OnRegistryChanged;
}
