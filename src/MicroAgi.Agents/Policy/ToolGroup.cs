using System.Text.Json;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Policy;

/// <summary>
/// A named set of tools that tool policies refer to as <c>group:&lt;name&gt;</c>: an entry of kind
/// <c>tool.group</c> whose <c>tools</c> list holds tool names, aliases, patterns (<c>web_*</c>,
/// <c>app.generated:*</c>) or other groups. The built-in groups live in the app's <c>groups/_index.yaml</c>;
/// an app adds its own the same way.
/// </summary>
public sealed record ToolGroup(EntryId Id, string Name, IReadOnlyList<string> Members, string? Description)
{
    public const string Kind = "tool.group";

    /// <summary>How every group name starts in a policy list.</summary>
    public const string Prefix = "group:";

    /// <summary>Whether <paramref name="name"/> names a group (or a pattern over groups).</summary>
    public static bool IsGroupName(string name) => name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a <c>tool.group</c> entry; its name in policies is <c>group:</c> + the entry's name.</summary>
    /// <exception cref="ToolPolicyException">The entry's <c>tools</c> is missing or not a list of strings.</exception>
    public static ToolGroup FromEntry(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!entry.Data.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array
            || tools.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(t.GetString())))
        {
            throw new ToolPolicyException($"tool group {entry.Id}: 'tools' must be a list of tool names, patterns or groups, e.g. [read, write, group:web]");
        }
        var description = entry.MetaString("comment") ?? entry.MetaString("title");
        return new ToolGroup(entry.Id, Prefix + entry.Id.Name, [.. tools.EnumerateArray().Select(t => t.GetString()!.Trim())], description);
    }
}

/// <summary>A tool policy or tool group that cannot be used as written.</summary>
public sealed class ToolPolicyException(string message) : Exception(message);
