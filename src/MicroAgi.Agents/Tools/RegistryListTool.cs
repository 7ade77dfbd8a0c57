using System.Globalization;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Tools;

/// <summary>
/// <c>registry_list {namespace?, kind?, type?, limit?, offset?}</c> → <c>{count, total, offset, entries: [{id,
/// kind, type, title, description}], next_offset?, note?}</c>: what exists, so the model reuses a tool before
/// building a new one. A page holds at most <c>limit</c> entries and, as JSON, at most
/// <see cref="ToolOutput.MaxChars"/> characters (titles and descriptions are shortened); <c>next_offset</c>
/// says where the next page starts, so every entry is reachable however many there are.
/// </summary>
internal sealed class RegistryListTool(IRegistry registry)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int MaxTitleChars = 80;
    public const int MaxDescriptionChars = 160;

    /// <summary>Room kept under the cap for the counts, the offsets and the note.</summary>
    private const int FrameReserve = 300;

    public Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken) =>
        Task.FromResult(List(call.Arguments));

    private FunctionResult List(JsonNode? arguments)
    {
        if (!ToolResults.TryOptionalString(arguments, "namespace", out var ns, out var error)
            || !ToolResults.TryOptionalString(arguments, "kind", out var kind, out error)
            || !ToolResults.TryOptionalString(arguments, "type", out var type, out error)
            || !ToolResults.TryOptionalInteger(arguments, "limit", 1, MaxLimit, out var limit, out error)
            || !ToolResults.TryOptionalInteger(arguments, "offset", 0, int.MaxValue, out var offset, out error))
        {
            return ToolResults.Error(error!);
        }
        var query = new EntryQuery { Namespace = Blank(ns), Kind = Blank(kind) };
        if (Blank(type) is { } metaType) query = query.WithMeta("type", metaType);
        var found = registry.Find(query);
        var start = offset ?? 0;
        if (start > 0 && start >= found.Count)
            return ToolResults.Error(Invariant($"offset {start} is past the end: {found.Count} entries match; start from 0"));

        var entries = new JsonArray();
        var used = 0;
        foreach (var entry in found.Skip(start).Take(limit ?? DefaultLimit))
        {
            var summary = Summary(entry);
            var length = summary.ToJsonString().Length + 1;
            // One entry always fits a page, even one whose id alone is huge: otherwise no page could show it.
            if (entries.Count > 0 && used + length > ToolOutput.MaxChars - FrameReserve) break;
            if (entries.Count == 0 && length > ToolOutput.MaxChars - FrameReserve) summary = Squeezed(summary);
            entries.Add(summary);
            used += length;
        }
        var next = start + entries.Count;
        var result = new JsonObject
        {
            ["count"] = entries.Count,
            ["total"] = found.Count,
            ["offset"] = start,
            ["entries"] = entries,
        };
        if (next < found.Count)
        {
            result["next_offset"] = next;
            result["note"] = Invariant($"{found.Count - next} more entries; call again with \"offset\": {next}, or narrow the filters");
        }
        return ToolResults.Ok(result);
    }

    private static JsonObject Summary(Entry entry)
    {
        var summary = new JsonObject { ["id"] = entry.Id.ToString(), ["kind"] = entry.Kind };
        if (entry.MetaString("type") is { } type) summary["type"] = ToolOutput.Shortened(type, MaxTitleChars);
        if (entry.MetaString("title") is { } title) summary["title"] = ToolOutput.Shortened(title, MaxTitleChars);
        if ((entry.MetaString("llm_description") ?? entry.MetaString("comment") ?? entry.MetaString("description")) is { Length: > 0 } description)
            summary["description"] = ToolOutput.Shortened(description, MaxDescriptionChars);
        return summary;
    }

    /// <summary>An entry too big for a page on its own (an id or kind of thousands of characters) cut down to fit.</summary>
    private static JsonObject Squeezed(JsonObject summary)
    {
        var room = (ToolOutput.MaxChars - FrameReserve) / 2 - 100;
        return new JsonObject
        {
            ["id"] = ToolOutput.Shortened((string)summary["id"]!, room),
            ["kind"] = ToolOutput.Shortened((string)summary["kind"]!, room),
            ["note"] = "id and kind shortened; they are too long to show",
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
