using System.Collections.Concurrent;
using System.Text.Json;

namespace MicroAgi.Registry;

/// <summary>
/// Read indexes over one snapshot: entries sorted by id, positions by kind and by namespace, and
/// (built on first use per field) positions by exact meta value. Every list of positions is sorted,
/// so criteria combine by merging and results come out in id order without sorting.
/// </summary>
internal sealed class FindIndex
{
    private readonly Entry[] _sorted;
    private readonly Dictionary<string, int[]> _byKind;
    private readonly Dictionary<string, int[]> _byNamespace;
    private readonly ConcurrentDictionary<string, Dictionary<string, int[]>> _byMetaValue = new(StringComparer.Ordinal);

    public FindIndex(IEnumerable<Entry> entries)
    {
        _sorted = entries.ToArray();
        // Sorting by the id text with the ordinal comparer is several times faster than a comparison delegate.
        var keys = Array.ConvertAll(_sorted, static e => e.Id.ToString());
        Array.Sort(keys, _sorted, StringComparer.Ordinal);
        _byKind = GroupPositions(static (e, keys) => keys.Add(e.Kind));
        _byNamespace = GroupPositions(static (e, keys) => keys.Add(e.Id.Namespace));
    }

    public IReadOnlyList<Entry> Find(EntryQuery query)
    {
        var matchers = query.Meta.Select(f => new MetaFieldMatcher(f)).ToArray();
        var candidates = IndexedCandidates(query);
        var results = new List<Entry>();
        if (candidates is null)
        {
            foreach (var entry in _sorted) AddIfMatches(entry, query, matchers, results);
        }
        else
        {
            foreach (var position in candidates) AddIfMatches(_sorted[position], query, matchers, results);
        }
        return results;
    }

    private static void AddIfMatches(Entry entry, EntryQuery query, MetaFieldMatcher[] matchers, List<Entry> results)
    {
        // Indexed criteria are checked again: it is cheap on the narrowed set and keeps one definition of a match.
        if (query.Kind is not null && !KindPattern.Matches(query.Kind, entry.Kind)) return;
        if (query.Namespace is not null && !string.Equals(entry.Id.Namespace, query.Namespace, StringComparison.Ordinal)) return;
        if (query.Name is not null && !string.Equals(entry.Id.Name, query.Name, StringComparison.Ordinal)) return;
        foreach (var matcher in matchers)
        {
            if (!matcher.Matches(entry)) return;
        }
        results.Add(entry);
    }

    /// <summary>Sorted positions satisfying every indexable criterion, or null when none is indexable.</summary>
    private int[]? IndexedCandidates(EntryQuery query)
    {
        var lists = new List<int[]>();
        if (query.Namespace is not null) lists.Add(_byNamespace.GetValueOrDefault(query.Namespace) ?? []);
        if (query.Kind is not null)
        {
            lists.Add(query.Kind.Contains('*', StringComparison.Ordinal)
                ? Union(_byKind.Where(k => KindPattern.Matches(query.Kind, k.Key)).Select(k => k.Value))
                : _byKind.GetValueOrDefault(query.Kind) ?? []);
        }
        foreach (var filter in query.Meta.Where(f => f.Match == MetaMatch.Exact))
        {
            var byValue = _byMetaValue.GetOrAdd(filter.Field, field =>
            {
                var path = field.Split('.');
                return GroupPositions((e, keys) => AddMetaValues(e, path, keys));
            });
            lists.Add(byValue.GetValueOrDefault(filter.Value) ?? []);
        }
        if (lists.Count == 0) return null;
        lists.Sort(static (a, b) => a.Length.CompareTo(b.Length));
        var result = lists[0];
        for (var i = 1; i < lists.Count && result.Length > 0; i++) result = Intersect(result, lists[i]);
        return result;
    }

    private Dictionary<string, int[]> GroupPositions(Action<Entry, List<string>> keysOf)
    {
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var keys = new List<string>(4);
        for (var i = 0; i < _sorted.Length; i++)
        {
            keys.Clear();
            keysOf(_sorted[i], keys);
            foreach (var key in keys)
            {
                if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
                // An array meta field may repeat a value; positions stay unique because i only grows.
                if (list.Count == 0 || list[^1] != i) list.Add(i);
            }
        }
        var result = new Dictionary<string, int[]>(groups.Count, StringComparer.Ordinal);
        foreach (var (key, list) in groups) result[key] = list.ToArray();
        return result;
    }

    /// <summary>Adds the texts an exact meta filter on <paramref name="path"/> would match for this entry.</summary>
    private static void AddMetaValues(Entry entry, string[] path, List<string> keys)
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

    private static int[] Union(IEnumerable<int[]> lists)
    {
        var all = lists.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return all;
    }

    private static int[] Intersect(int[] a, int[] b)
    {
        var result = new List<int>(Math.Min(a.Length, b.Length));
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j]) { result.Add(a[i]); i++; j++; }
            else if (a[i] < b[j]) i++;
            else j++;
        }
        return result.ToArray();
    }
}
