using System.Text.Json;

namespace MicroAgi.Registry;

/// <summary>
/// The (path, text) pairs an exact meta filter can be answered from: what the in-memory find index and
/// the stores' meta tables hold. Paths go at most <see cref="MaxDepth"/> objects deep and texts are at most
/// <see cref="MaxValueLength"/> characters; a filter beyond either is checked on the candidates instead.
/// </summary>
internal static class MetaIndexKeys
{
    public const int MaxDepth = 2;
    public const int MaxValueLength = 200;

    /// <summary>Whether a store's meta table can narrow a search by <paramref name="filter"/>.</summary>
    public static bool Indexable(MetaFilter filter) =>
        filter.Match == MetaMatch.Exact
        && filter.Value.Length <= MaxValueLength
        && filter.Field.Split('.').Length <= MaxDepth;

    /// <summary>Every indexable (path, text) pair of the entry's meta.</summary>
    public static IEnumerable<(string Path, string Value)> Of(Entry entry)
    {
        var keys = new HashSet<(string, string)>();
        Walk(entry.Meta, "", 1, keys);
        return keys;
    }

    /// <summary>Adds the texts an exact meta filter on <paramref name="path"/> would match for this entry.</summary>
    public static void AddValues(Entry entry, string[] path, List<string> keys)
    {
        var node = entry.Meta;
        foreach (var segment in path)
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(segment, out node)) return;
        }
        if (node.ValueKind != JsonValueKind.Array)
        {
            if (MetaFieldMatcher.ScalarText(node) is { } text) keys.Add(text);
            return;
        }
        foreach (var item in node.EnumerateArray())
        {
            if (MetaFieldMatcher.ScalarText(item) is { } text) keys.Add(text);
        }
    }

    private static void Walk(JsonElement node, string prefix, int depth, HashSet<(string, string)> keys)
    {
        foreach (var property in node.EnumerateObject())
        {
            // A key with a dot can never be named by a filter: "a.b" is read as the path a → b.
            if (property.Name.Contains('.', StringComparison.Ordinal)) continue;
            var path = prefix.Length == 0 && depth == 1 ? property.Name : prefix + "." + property.Name;
            var value = property.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.Object when depth < MaxDepth:
                    Walk(value, path, depth + 1, keys);
                    break;
                case JsonValueKind.Array:
                    foreach (var item in value.EnumerateArray()) AddScalar(path, item, keys);
                    break;
                default:
                    AddScalar(path, value, keys);
                    break;
            }
        }
    }

    private static void AddScalar(string path, JsonElement value, HashSet<(string, string)> keys)
    {
        if (MetaFieldMatcher.ScalarText(value) is { Length: <= MaxValueLength } text) keys.Add((path, text));
    }
}
