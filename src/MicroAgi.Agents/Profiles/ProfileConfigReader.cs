using System.Text.Json;
using MicroAgi.Agents.Policy;

namespace MicroAgi.Agents.Profiles;

/// <summary>
/// Reads a profile's <c>config.json</c>. Every field is checked for its type, and a field MicroAgi does not know is an
/// error naming the known ones: a misspelt <c>"tool"</c> or <c>"deny_list"</c> must not silently leave the agent
/// less fenced than the user meant.
/// </summary>
internal static class ProfileConfigReader
{
    private static readonly string[] TopFields = ["name", "tools", "provider", "model", "approval", "workspace", "self_evolution"];
    private static readonly string[] ToolsFields = ["allow", "deny", "byProvider", "subagents"];
    private static readonly string[] RulesFields = ["allow", "deny"];
    private static readonly string[] SubagentFields = ["deny"];
    private static readonly string[] ApprovalModes = ["ask", "auto-edit", "full-auto"];

    public static AgentProfile Read(string id, string directory, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw Problem(path, $"is not valid JSON: {ex.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Problem(path, "must hold a JSON object, e.g. {\"name\": \"coder\", \"tools\": {\"allow\": [\"group:fs\"]}}");
            Known(root, TopFields, "", path);
            var workspace = Text(root, "workspace", path);
            var approval = Text(root, "approval", path);
            if (approval is not null && !ApprovalModes.Contains(approval.Trim().ToLowerInvariant()))
                throw Problem(path, $"\"approval\" must be {string.Join(", ", ApprovalModes)}, not '{approval}'");
            return new AgentProfile
            {
                Id = id,
                Directory = directory,
                Name = Text(root, "name", path) ?? id,
                Tools = Tools(root, id, path),
                Provider = Text(root, "provider", path),
                Model = Text(root, "model", path),
                Approval = approval,
                Workspace = workspace is null ? null : Path.GetFullPath(Path.Combine(directory, workspace)),
                SelfEvolution = Flag(root, "self_evolution", path),
            };
        }
    }

    private static ToolPolicy Tools(JsonElement root, string id, string path)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind == JsonValueKind.Null) return ToolPolicy.Open;
        if (tools.ValueKind != JsonValueKind.Object) throw Problem(path, "\"tools\" must be an object: {\"allow\": [...], \"deny\": [...], \"byProvider\": {...}, \"subagents\": {\"deny\": [...]}}");
        Known(tools, ToolsFields, "tools.", path);
        var byProvider = new Dictionary<string, ToolRules>(StringComparer.Ordinal);
        if (tools.TryGetProperty("byProvider", out var providers) && providers.ValueKind != JsonValueKind.Null)
        {
            if (providers.ValueKind != JsonValueKind.Object) throw Problem(path, "\"tools.byProvider\" must map provider ids to {\"allow\": [...], \"deny\": [...]}");
            foreach (var provider in providers.EnumerateObject())
            {
                var where = $"tools.byProvider.{provider.Name}";
                if (provider.Value.ValueKind != JsonValueKind.Object) throw Problem(path, $"\"{where}\" must be an object with \"allow\" and/or \"deny\"");
                Known(provider.Value, RulesFields, where + ".", path);
                byProvider[provider.Name] = new ToolRules($"profile {id} {where}", Names(provider.Value, "allow", where, path), Names(provider.Value, "deny", where, path));
            }
        }
        IReadOnlyList<string> subagentDeny = [];
        if (tools.TryGetProperty("subagents", out var subagents) && subagents.ValueKind != JsonValueKind.Null)
        {
            if (subagents.ValueKind != JsonValueKind.Object) throw Problem(path, "\"tools.subagents\" must be an object: {\"deny\": [...]}");
            Known(subagents, SubagentFields, "tools.subagents.", path);
            subagentDeny = Names(subagents, "deny", "tools.subagents", path) ?? [];
        }
        var global = new ToolRules($"profile {id}", Names(tools, "allow", "tools", path), Names(tools, "deny", "tools", path))
        {
            AllowSource = $"profile {id} tools.allow",
            DenySource = $"profile {id} tools.deny",
        };
        return new ToolPolicy { Global = global.IsEmpty ? [] : [global], ByProvider = byProvider, SubagentDeny = subagentDeny };
    }

    private static List<string>? Names(JsonElement parent, string field, string where, string path)
    {
        if (!parent.TryGetProperty(field, out var list) || list.ValueKind == JsonValueKind.Null) return null;
        if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
            throw Problem(path, $"\"{where}.{field}\" must be a list of tool names or groups, e.g. [\"group:fs\", \"web_fetch\"]");
        return [.. list.EnumerateArray().Select(item => item.GetString()!)];
    }

    private static void Known(JsonElement obj, string[] fields, string prefix, string path)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (!fields.Contains(property.Name, StringComparer.Ordinal))
                throw Problem(path, $"unknown field \"{prefix}{property.Name}\"; the fields are {string.Join(", ", fields.Select(f => prefix + f))} (docs/profiles.md)");
        }
    }

    private static string? Text(JsonElement root, string field, string path) =>
        !root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()) ? value.GetString()!.Trim()
        : throw Problem(path, $"\"{field}\" must be a non-empty string");

    private static bool? Flag(JsonElement root, string field, string path) =>
        !root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw Problem(path, $"\"{field}\" must be true or false");

    private static ProfileException Problem(string path, string problem) => new($"{path}: {problem}");
}
