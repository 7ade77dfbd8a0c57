using System.Text.Encodings.Web;
using System.Text.Json;
using MicroAgi.Registry;

namespace MicroAgi.Cli.Commands;

/// <summary>
/// A registry entry as lines of text to diff: its kind, then each field of meta and data — a text with line
/// breaks (a tool's Lua source) as its own lines under <c>data.source: |</c>, anything else as JSON.
/// </summary>
internal static class EntryText
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IReadOnlyList<string> Lines(Entry? entry)
    {
        if (entry is null) return [];
        var lines = new List<string> { "kind: " + entry.Kind };
        Fields("meta", entry.Meta, lines);
        Fields("data", entry.Data, lines);
        return lines;
    }

    private static void Fields(string section, JsonElement value, List<string> lines)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            if (value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null)) lines.Add($"{section}: {value.GetRawText()}");
            return;
        }
        foreach (var field in value.EnumerateObject().OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var key = $"{section}.{field.Name}";
            if (field.Value.ValueKind == JsonValueKind.String && field.Value.GetString() is { } text && text.Contains('\n', StringComparison.Ordinal))
            {
                lines.Add(key + ": |");
                lines.AddRange(text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').Select(l => "  " + l));
                continue;
            }
            var compact = JsonSerializer.Serialize(field.Value, Compact);
            if (compact.Length <= 100 || field.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                lines.Add($"{key}: {compact}");
                continue;
            }
            var indented = JsonSerializer.Serialize(field.Value, Indented).Split('\n');
            lines.Add($"{key}: {indented[0]}");
            lines.AddRange(indented.Skip(1));
        }
    }
}
