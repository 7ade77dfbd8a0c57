using System.Text;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// The names MCP tools get in MicroAgi: <c>mcp_&lt;server&gt;_&lt;tool&gt;</c>, made of what LLM function
/// names allow (<c>^[a-zA-Z0-9_-]{1,64}$</c>) so any server's tool can be offered to any model.
/// </summary>
public static class McpToolNames
{
    public const int MaxLength = 64;

    /// <summary>The LLM name of <paramref name="tool"/> of <paramref name="server"/>; null when it would be longer than 64 characters.</summary>
    public static string? For(McpServerDefinition server, string tool)
    {
        ArgumentNullException.ThrowIfNull(server);
        var name = server.ToolPrefix + Part(tool);
        return name.Length <= MaxLength ? name : null;
    }

    /// <summary>The prefix of the LLM names of server <paramref name="server"/>'s tools: <c>mcp_&lt;server&gt;_</c>.</summary>
    public static string Prefix(Registry.EntryId server) => "mcp_" + Part(server.Name) + "_";

    /// <summary>A name part with every character an LLM name does not allow replaced by '_'.</summary>
    public static string Part(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var part = new StringBuilder(text.Length);
        foreach (var c in text) part.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        return part.ToString();
    }
}
