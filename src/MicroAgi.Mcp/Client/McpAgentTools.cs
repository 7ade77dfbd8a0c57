using MicroAgi.Agents.Definitions;
using MicroAgi.Agents.Policy;
using MicroAgi.Registry;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// What an agent session needs to use MCP servers: the server pool, the registry view that holds their
/// tools, and the function kind that calls them. Only the servers an agent uses are started, when its
/// session starts (<see cref="DiscoverForAsync"/>) or when it adds one (<c>add_mcp_server</c>): a server
/// no agent uses, or whose tools the tool policy removes, never runs.
/// </summary>
public sealed class McpAgentTools : IAsyncDisposable
{
    /// <param name="registry">The stored registry, where the <c>mcp.server</c> entries are.</param>
    /// <param name="mediaDirectory">Where images and audio from tool results are saved for the model to refer to; null to only describe them.</param>
    /// <param name="allowlist">The command lines an agent-added server may run (<c>mcp.allowed_commands</c>).</param>
    public McpAgentTools(IRegistry registry, string? mediaDirectory, Func<string, string?> environment, McpCommandAllowlist allowlist)
    {
        Servers = new McpServerPool(registry, environment, allowlist);
        Registry = new McpToolRegistry(registry);
        Kind = new McpFunctionKind(Servers, new McpResultText(mediaDirectory));
    }

    public McpServerPool Servers { get; }

    /// <summary>The registry with the discovered servers' tools: give it to the tool host and the agent services.</summary>
    public McpToolRegistry Registry { get; }

    public McpFunctionKind Kind { get; }

    /// <summary>
    /// Starts the servers <paramref name="agent"/> grants tools of and <paramref name="policy"/> leaves some tools
    /// of (<see cref="Uses"/>), and lists their tools.
    /// </summary>
    /// <returns>A line for each server that could not be used.</returns>
    public Task<IReadOnlyList<string>> DiscoverForAsync(AgentDefinition agent, CompiledToolPolicy? policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return Registry.DiscoverAsync(Servers, server => Uses(agent, policy, server), cancellationToken);
    }

    /// <summary>Starts server <paramref name="server"/> and lists its tools (the others are left as they are).</summary>
    /// <returns>Its tools, and what went wrong.</returns>
    public async Task<(IReadOnlyList<Entry> Tools, IReadOnlyList<string> Problems)> DiscoverAsync(EntryId server, CancellationToken cancellationToken)
    {
        var problems = await Registry.DiscoverAsync(Servers, id => id == server, cancellationToken).ConfigureAwait(false);
        return (Registry.ToolsOf(server), problems);
    }

    /// <summary>
    /// Whether a session of <paramref name="agent"/> under <paramref name="policy"/> uses <paramref name="server"/>:
    /// the agent grants its tools (<see cref="Grants"/>) and the tool policy does not remove every one of them
    /// (<c>--tools-deny group:mcp</c>, an allow list without MCP tools): a server whose tools could never be
    /// offered is never started.
    /// </summary>
    public static bool Uses(AgentDefinition agent, CompiledToolPolicy? policy, EntryId server) =>
        Grants(agent, server) && policy?.RemovesEvery(Family(server)) != true;

    /// <summary>The tools of every configured server, listed or not, by how their names begin: a tool policy may name them before they run.</summary>
    public IReadOnlyList<ToolFamily> Families() => [.. Servers.Entries().Select(entry => Family(entry.Id))];

    /// <summary>The tools of <paramref name="server"/> before it runs: <c>mcp_&lt;server&gt;_…</c>, ids <c>mcp.&lt;server&gt;:…</c>.</summary>
    public static ToolFamily Family(EntryId server) => new(McpToolNames.Prefix(server), McpToolEntries.Namespace(server) + ":");

    /// <summary>
    /// Whether the agent's <c>tools</c> or <c>loadable</c> can name a tool of <paramref name="server"/>
    /// (<c>mcp.&lt;server&gt;:…</c>): an id in its namespace, or a pattern such as <c>mcp.*</c>,
    /// <c>mcp.&lt;server&gt;:*</c> or <c>*</c> (security-pattern rules: a trailing <c>*</c> is a prefix).
    /// </summary>
    public static bool Grants(AgentDefinition agent, EntryId server)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var prefix = McpToolEntries.Namespace(server) + ":";
        return agent.Tools.Concat(agent.Loadable).Any(pattern => Covers(pattern, prefix));
    }

    /// <summary>Whether some id starting with <paramref name="prefix"/> can match <paramref name="pattern"/>.</summary>
    private static bool Covers(string pattern, string prefix)
    {
        if (!pattern.EndsWith('*')) return pattern.StartsWith(prefix, StringComparison.Ordinal);
        var start = pattern[..^1];
        return prefix.StartsWith(start, StringComparison.Ordinal) || start.StartsWith(prefix, StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync() => Servers.DisposeAsync();
}
