namespace MicroAgi.Mcp.Client;

/// <summary>
/// Which MCP servers an agent may add: <c>mcp.allowed_commands</c> in microagi.yaml, empty by default (agents
/// add none). An <c>mcp.server</c> entry in a namespace the agent writes (<see cref="AgentNamespace"/>) is
/// checked wherever it is used — when a session starts its servers, at every call, by <c>microagi mcp
/// tools</c> — not only where it was written, so no path to the registry turns into running a program the
/// user did not list. Such an entry must be started by a command line the user listed, word for word: no
/// other program, no path to a look-alike, no extra arguments (an item ending in the word <c>*</c> takes
/// any further arguments: the user opts in to that), no <c>env</c> or <c>cwd</c> (PATH or a working
/// directory could swap the program), and no <c>url</c>.
/// </summary>
public sealed class McpCommandAllowlist
{
    /// <summary>Where the agent writes its own entries (create_tool's namespace).</summary>
    public const string AgentNamespace = "app.generated";

    /// <summary>The configuration key, named in every refusal so the user knows where to allow a server.</summary>
    public const string Setting = "mcp.allowed_commands";

    private readonly IReadOnlyList<string[]> _items;

    /// <param name="commands">Command lines, words separated by spaces, e.g. <c>npx -y @modelcontextprotocol/server-everything</c>.</param>
    public McpCommandAllowlist(IEnumerable<string> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        _items = [.. commands.Select(Words).Where(words => words.Length > 0)];
    }

    public static McpCommandAllowlist None { get; } = new([]);

    /// <summary>Whether <paramref name="server"/> came from an agent, and so must pass <see cref="Refusal"/>.</summary>
    public static bool IsAgentWritten(McpServerDefinition server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.Id.Namespace == AgentNamespace;
    }

    /// <summary>Why <paramref name="server"/> may not be started, or null when it may.</summary>
    public string? Refusal(McpServerDefinition server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!IsAgentWritten(server)) return null;
        var prefix = $"MCP server {server.Id} was added by an agent";
        if (server.Url is not null) return $"{prefix}, and agents may add only servers started by a command listed in {Setting} (microagi.yaml), not a URL ({server.Url})";
        if (server.Environment.Count > 0 || server.WorkingDirectory is not null)
            return $"{prefix} with 'env' or 'cwd', which could change the program that runs; an agent's server runs with MicroAgi's environment and directory";
        if (_items.Count == 0)
            return $"{prefix}, and agents cannot add MCP servers: {Setting} in microagi.yaml is empty. To allow this one, add the line `{server.Describe()}` to it";
        string[] argv = [server.Command!, .. server.Arguments];
        if (_items.Any(item => Matches(item, argv))) return null;
        return $"{prefix}, and `{server.Describe()}` is not in {Setting} (microagi.yaml), which allows: "
            + string.Join("; ", _items.Select(item => string.Join(' ', item)))
            + ". The command and each argument must match a listed line word for word; ask the user to add it";
    }

    private static bool Matches(string[] item, string[] argv)
    {
        if (item[^1] == "*") return argv.Length >= item.Length - 1 && item[..^1].SequenceEqual(argv[..(item.Length - 1)], StringComparer.Ordinal);
        return item.SequenceEqual(argv, StringComparer.Ordinal);
    }

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
