using System.Text.Json.Nodes;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Runtime;

/// <summary>How a <c>load_tool</c> result says it found a tool: <c>{loaded: true, id: "ns:name", …}</c>.</summary>
public static class LoadToolResult
{
    /// <summary>The id of the tool the result found, or null when it found none.</summary>
    public static EntryId? LoadedId(JsonNode? value)
    {
        if (value is not JsonObject result) return null;
        if (result["loaded"] is not JsonValue loaded || !loaded.TryGetValue<bool>(out var isLoaded) || !isLoaded) return null;
        return result["id"] is JsonValue id && id.TryGetValue<string>(out var text) && EntryId.TryParse(text, out var parsed) ? parsed : null;
    }
}
