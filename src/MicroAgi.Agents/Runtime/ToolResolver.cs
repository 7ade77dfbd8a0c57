using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// Turns an agent's tool list (<c>ns:*</c> patterns and entry ids) into bindings, reading every
/// schema from the current registry state — so a tool changed at runtime is seen on the next load.
/// </summary>
public static partial class ToolResolver
{
    /// <summary>A tool an agent cannot use, and why (an unknown id, a bad name, a name taken twice).</summary>
    public sealed record Problem(string Tool, string Reason);

    private static readonly JsonElement EmptyObjectSchema =
        JsonSerializer.SerializeToElement(new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() });

    public static (IReadOnlyList<ToolBinding> Tools, IReadOnlyList<Problem> Problems) Resolve(RegistrySnapshot registry, IEnumerable<string> toolReferences)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var bindings = new List<ToolBinding>();
        var problems = new List<Problem>();
        var byName = new Dictionary<string, EntryId>(StringComparer.Ordinal);
        foreach (var reference in toolReferences.Distinct(StringComparer.Ordinal))
        {
            foreach (var entry in Expand(registry, reference, problems))
            {
                if (bindings.Any(b => b.Id == entry.Id)) continue;
                var binding = Bind(entry);
                if (!ValidName().IsMatch(binding.LlmName))
                {
                    problems.Add(new Problem(entry.Id.ToString(), $"its LLM name '{binding.LlmName}' must match ^[a-zA-Z0-9_-]{{1,64}}$; set meta.llm_alias"));
                    continue;
                }
                if (byName.TryGetValue(binding.LlmName, out var taken))
                {
                    problems.Add(new Problem(entry.Id.ToString(), $"the name '{binding.LlmName}' is already used by {taken}; set a different meta.llm_alias"));
                    continue;
                }
                byName[binding.LlmName] = entry.Id;
                bindings.Add(binding);
            }
        }
        return (bindings, problems);
    }

    /// <summary>The binding of one tool entry (alias: meta.llm_alias, else the entry name).</summary>
    public static ToolBinding Bind(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var name = entry.MetaString("llm_alias") is { Length: > 0 } alias ? alias : entry.Id.Name;
        var description = entry.MetaString("llm_description") ?? entry.MetaString("comment") ?? entry.MetaString("title") ?? name;
        return new ToolBinding(entry.Id, name, description, NormalizeSchema(entry));
    }

    public static bool IsTool(Entry entry) => entry.MetaString("type") == "tool";

    private static IEnumerable<Entry> Expand(RegistrySnapshot registry, string reference, List<Problem> problems)
    {
        if (reference.EndsWith(":*", StringComparison.Ordinal))
        {
            return registry.Find(new EntryQuery { Namespace = reference[..^2] }.WithMeta("type", "tool"));
        }
        if (!EntryId.TryParse(reference, out var id, out var error))
        {
            problems.Add(new Problem(reference, error));
            return [];
        }
        var entry = registry.Get(id);
        if (entry is null)
        {
            problems.Add(new Problem(reference, "not found in the registry"));
            return [];
        }
        if (!IsTool(entry))
        {
            problems.Add(new Problem(reference, "not a tool (meta.type != 'tool')"));
            return [];
        }
        return [entry];
    }

    /// <summary>
    /// The entry's input schema as an object schema. Strict providers reject a missing or
    /// property-less schema, so an absent one becomes <c>{"type":"object","properties":{}}</c>.
    /// </summary>
    private static JsonElement NormalizeSchema(Entry entry)
    {
        if (!entry.Meta.TryGetProperty("input_schema", out var schema) || schema.ValueKind != JsonValueKind.Object) return EmptyObjectSchema;
        if (schema.TryGetProperty("type", out _) && schema.TryGetProperty("properties", out _)) return schema;
        var node = JsonNode.Parse(schema.GetRawText())!.AsObject();
        node.TryAdd("type", "object");
        node.TryAdd("properties", new JsonObject());
        return JsonSerializer.SerializeToElement(node);
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex ValidName();
}
