using System.Text.Json;

namespace MicroAgi.Registry;

/// <summary>What differs between two states of an entry, as one line per changed field path.</summary>
public static class EntryDiff
{
    public static IReadOnlyList<string> Describe(Entry? before, Entry? after)
    {
        if (before is null && after is null) return [];
        if (before is null) return [$"created ({after!.Kind})"];
        if (after is null) return [$"deleted (was {before.Kind})"];
        var lines = new List<string>();
        if (before.Kind != after.Kind) lines.Add($"kind: {before.Kind} -> {after.Kind}");
        Compare("meta", before.Meta, after.Meta, lines);
        Compare("data", before.Data, after.Data, lines);
        return lines;
    }

    private static void Compare(string path, JsonElement before, JsonElement after, List<string> lines)
    {
        if (JsonElement.DeepEquals(before, after)) return;
        if (before.ValueKind == JsonValueKind.Object && after.ValueKind == JsonValueKind.Object)
        {
            var names = before.EnumerateObject().Select(p => p.Name)
                .Union(after.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal)
                .Order(StringComparer.Ordinal);
            foreach (var name in names)
            {
                var hasBefore = before.TryGetProperty(name, out var b);
                var hasAfter = after.TryGetProperty(name, out var a);
                var child = $"{path}.{name}";
                if (!hasBefore) lines.Add($"{child}: added {Short(a)}");
                else if (!hasAfter) lines.Add($"{child}: removed (was {Short(b)})");
                else Compare(child, b, a, lines);
            }
            return;
        }
        lines.Add($"{path}: {Short(before)} -> {Short(after)}");
    }

    private static string Short(JsonElement value)
    {
        var text = value.GetRawText();
        text = text.ReplaceLineEndings(" ");
        return text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
    }
}
