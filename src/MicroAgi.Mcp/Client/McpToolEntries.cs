using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Registry;
using ModelContextProtocol.Client;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// An MCP server's tools as registry entries, so the agent loop, grants and the call API treat them like
/// any tool: server <c>app:everything</c>'s tool <c>echo</c> is <c>mcp.everything:echo</c>, kind
/// <c>function.mcp</c>, LLM name <c>mcp_everything_echo</c>, with the server's description and schema.
/// They are transient: listed from the running server, never stored.
/// </summary>
public static class McpToolEntries
{
    public const string FunctionKind = "function.mcp";

    /// <summary>The namespace of a server's tools: <c>mcp.&lt;server name&gt;</c>, so an agent grants them with <c>mcp.&lt;server&gt;:*</c>.</summary>
    public static string Namespace(McpServerDefinition server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return Namespace(server.Id);
    }

    /// <summary>The namespace of the tools of the server entry <paramref name="server"/>.</summary>
    public static string Namespace(EntryId server) => "mcp." + McpToolNames.Part(server.Name);

    /// <summary>The entries of <paramref name="tools"/>; a tool whose name cannot be an id or an LLM name is reported and left out.</summary>
    public static IReadOnlyList<Entry> For(McpServerDefinition server, IEnumerable<McpClientTool> tools, Action<string> problem)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(problem);
        var entries = new List<Entry>();
        foreach (var tool in tools)
        {
            var alias = McpToolNames.For(server, tool.Name);
            if (alias is null || !EntryId.TryCreate(Namespace(server), McpToolNames.Part(tool.Name), out var id, out _))
            {
                problem($"tool '{tool.Name}' of MCP server {server.Id} is left out: '{server.ToolPrefix}{tool.Name}' is longer than {McpToolNames.MaxLength} characters");
                continue;
            }
            var meta = new JsonObject
            {
                ["type"] = "tool",
                ["llm_alias"] = alias,
                ["llm_description"] = string.IsNullOrWhiteSpace(tool.Description) ? $"{tool.Name} (MCP server {server.Id})" : tool.Description,
                ["input_schema"] = JsonNode.Parse(tool.JsonSchema.GetRawText()),
                ["group"] = "mcp",
            };
            var data = new JsonObject { ["server"] = server.Id.ToString(), ["tool"] = tool.Name };
            entries.Add(Entry.Create(id, FunctionKind, meta, data));
        }
        return entries;
    }

    /// <summary>The server and the tool name (as the server spells it) behind an entry of <see cref="For"/>.</summary>
    public static (EntryId Server, string Tool) Target(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var server = entry.Data.TryGetProperty("server", out var s) && s.ValueKind == JsonValueKind.String ? EntryId.Parse(s.GetString()!) : throw new McpServerConfigException($"{entry.Id} names no MCP server");
        var tool = entry.Data.TryGetProperty("tool", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : entry.Id.Name;
        return (server, tool);
    }
}
