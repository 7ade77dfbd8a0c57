using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Tools;

/// <summary>
/// <c>registry_list {namespace?, kind?, type?, limit?}</c> → <c>{count, total, entries: [{id, kind, type,
/// title, description}]}</c>: what exists, so the model reuses a tool before building a new one.
/// </summary>
internal sealed class RegistryListTool(IRegistry registry)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken) =>
        Task.FromResult(List(call.Arguments));

    private FunctionResult List(JsonNode? arguments)
    {
        if (!ToolResults.TryOptionalString(arguments, "namespace", out var ns, out var error)
            || !ToolResults.TryOptionalString(arguments, "kind", out var kind, out error)
            || !ToolResults.TryOptionalString(arguments, "type", out var type, out error)
            || !ToolResults.TryOptionalInteger(arguments, "limit", 1, MaxLimit, out var limit, out error))
        {
            return ToolResults.Error(error!);
        }
        var query = new EntryQuery { Namespace = Blank(ns), Kind = Blank(kind) };
        if (Blank(type) is { } metaType) query = query.WithMeta("type", metaType);
        var found = registry.Find(query);
        var shown = found.Take(limit ?? DefaultLimit).ToList();
        var result = new JsonObject
        {
            ["count"] = shown.Count,
            ["total"] = found.Count,
            ["entries"] = new JsonArray([.. shown.Select(Summary)]),
        };
        if (shown.Count < found.Count) result["note"] = $"{found.Count - shown.Count} more entries; narrow the filters or raise 'limit' (at most {MaxLimit})";
        return ToolResults.Ok(result);
    }

    private static JsonObject Summary(Entry entry)
    {
        var summary = new JsonObject { ["id"] = entry.Id.ToString(), ["kind"] = entry.Kind };
        if (entry.MetaString("type") is { } type) summary["type"] = type;
        if (entry.MetaString("title") is { } title) summary["title"] = title;
        if ((entry.MetaString("llm_description") ?? entry.MetaString("comment") ?? entry.MetaString("description")) is { Length: > 0 } description)
            summary["description"] = description;
        return summary;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
