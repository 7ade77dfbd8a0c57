using MicroAgi.Agents.Definitions;
using MicroAgi.Registry;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// What an agent session needs to use MCP servers: the server pool, the registry view that holds their
/// tools, and the function kind that calls them. Only the servers an agent grants are started, when its
/// session starts (<see cref="DiscoverForAsync"/>): a server no agent uses never runs.
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

    /// <summary>Starts the servers <paramref name="agent"/> grants tools of and lists their tools.</summary>
    /// <returns>A line for each server that could not be used.</returns>
    public Task<IReadOnlyList<string>> DiscoverForAsync(AgentDefinition agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return Registry.DiscoverAsync(Servers, server => Grants(agent, server), cancellationToken);
    }

    /// <summary>
    /// Whether the agent's <c>tools</c> or <c>loadable</c> can name a tool of <paramref name="server"/>
    /// (<c>mcp.&lt;server&gt;:…</c>): an id in its namespace, or a pattern such as <c>mcp.*</c>,
    /// <c>mcp.&lt;server&gt;:*</c> or <c>*</c> (security-pattern rules: a trailing <c>*</c> is a prefix).
    /// </summary>
    public static bool Grants(AgentDefinition agent, McpServerDefinition server)
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
