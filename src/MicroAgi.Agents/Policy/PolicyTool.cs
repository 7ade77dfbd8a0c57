using System.Text.Json;
using MicroAgi.Functions.Tools;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Policy;

/// <summary>
/// A tool as the tool policy sees it: its entry id, the name the model calls it by, and the other names a
/// policy may use for it (<c>meta.aliases</c>, e.g. <c>bash</c> and <c>shell</c> for <c>exec</c>).
/// </summary>
public sealed record PolicyTool(EntryId Id, string Name, IReadOnlyList<string> Aliases)
{
    public PolicyTool(EntryId id, string name) : this(id, name, []) { }

    /// <summary>The policy's view of a tool entry (its LLM name as the agent binds it).</summary>
    public static PolicyTool FromEntry(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var aliases = entry.Meta.TryGetProperty("aliases", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).ToList()
            : [];
        return new PolicyTool(entry.Id, ToolEntry.LlmNameOf(entry), aliases);
    }

    /// <summary>Whether the tool answers to <paramref name="name"/> (its name or an alias, in any letter case).</summary>
    public bool IsCalled(string name) =>
        string.Equals(Name, name, StringComparison.OrdinalIgnoreCase) || Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));
}
