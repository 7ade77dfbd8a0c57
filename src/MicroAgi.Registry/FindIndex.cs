using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;

namespace MicroAgi.Registry;

/// <summary>
/// Read indexes over one snapshot: ids by kind, by namespace and (built on first use per field) by
/// exact meta value. Indexes are immutable and carried from one version to the next by applying only
/// the changed entries, so the first find after a change costs no more than any other.
/// </summary>
internal sealed class FindIndex
{
    private readonly ImmutableDictionary<EntryId, Entry> _entries;
    private readonly ImmutableDictionary<string, ImmutableHashSet<EntryId>> _byKind;
    private readonly ImmutableDictionary<string, ImmutableHashSet<EntryId>> _byNamespace;
    private readonly ConcurrentDictionary<string, ImmutableDictionary<string, ImmutableHashSet<EntryId>>> _byMetaValue;

    private FindIndex(
        ImmutableDictionary<EntryId, Entry> entries,
        ImmutableDictionary<string, ImmutableHashSet<EntryId>> byKind,
        ImmutableDictionary<string, ImmutableHashSet<EntryId>> byNamespace,
        ConcurrentDictionary<string, ImmutableDictionary<string, ImmutableHashSet<EntryId>>> byMetaValue)
    {
        _entries = entries;
        _byKind = byKind;
        _byNamespace = byNamespace;
        _byMetaValue = byMetaValue;
    }

    public static FindIndex Build(ImmutableDictionary<EntryId, Entry> entries) => new(
        entries,
        Group(entries.Values, static (e, keys) => keys.Add(e.Kind)),
        Group(entries.Values, static (e, keys) => keys.Add(e.Id.Namespace)),
        new(StringComparer.Ordinal));

    /// <summary>The index of the next version: <paramref name="changed"/> pairs each touched entry's old and new state.</summary>
    public FindIndex With(ImmutableDictionary<EntryId, Entry> entries, IReadOnlyList<(Entry? Before, Entry? After)> changed)
    {
        var byKind = _byKind.ToBuilder();
        var byNamespace = _byNamespace.ToBuilder();
        foreach (var (before, after) in changed)
        {
            if (before is not null)
            {
                Remove(byKind, before.Kind, before.Id);
                Remove(byNamespace, before.Id.Namespace, before.Id);
            }
            if (after is not null)
            {
                Add(byKind, after.Kind, after.Id);
                Add(byNamespace, after.Id.Namespace, after.Id);
            }
        }
        var byMeta = new ConcurrentDictionary<string, ImmutableDictionary<string, ImmutableHashSet<EntryId>>>(StringComparer.Ordinal);
        var keys = new List<string>(4);
        foreach (var (field, index) in _byMetaValue)
        {
            var path = field.Split('.');
            var builder = index.ToBuilder();
            foreach (var (before, after) in changed)
            {
                if (before is not null)
                {
                    keys.Clear();
                    MetaIndexKeys.AddValues(before, path, keys);
                    foreach (var key in keys) Remove(builder, key, before.Id);
                }
                if (after is not null)
                {
                    keys.Clear();
                    MetaIndexKeys.AddValues(after, path, keys);
                    foreach (var key in keys) Add(builder, key, after.Id);
                }
            }
            byMeta[field] = builder.ToImmutable();
        }
        return new FindIndex(entries, byKind.ToImmutable(), byNamespace.ToImmutable(), byMeta);
    }

    public IReadOnlyList<Entry> Find(EntryQuery query)
    {
        var matcher = new EntryQueryMatcher(query);
        var results = new List<Entry>();
        var sets = IndexedSets(query);
        if (sets is null)
        {
            foreach (var entry in _entries.Values) AddIfMatches(entry, matcher, results);
        }
        else
        {
            // Walk the smallest candidate set and probe the others: cost follows the narrowest criterion.
            sets.Sort(static (a, b) => a.Count.CompareTo(b.Count));
            foreach (var id in sets[0])
            {
                var inAll = true;
                for (var i = 1; i < sets.Count && inAll; i++) inAll = sets[i].Contains(id);
                                // Indexed criteria are checked again: it is cheap on the narrowed set and keeps one definition of a match.
                if (inAll) AddIfMatches(_entries[id], matcher, results);
            }
        }
        results.Sort(static (a, b) => CompareIds(a.Id, b.Id));
        return results;
    }

    private static void AddIfMatches(Entry entry, EntryQueryMatcher matcher, List<Entry> results)
    {
        if (matcher.Matches(entry)) results.Add(entry);
    }

    /// <summary>The id sets every indexable criterion allows, or null when no criterion is indexable.</summary>
    private List<IReadOnlySet<EntryId>>? IndexedSets(EntryQuery query)
    {
        var sets = new List<IReadOnlySet<EntryId>>();
        if (query.Namespace is not null) sets.Add(_byNamespace.GetValueOrDefault(query.Namespace) ?? []);
        if (query.Kind is not null)
        {
            if (!query.Kind.Contains('*', StringComparison.Ordinal))
            {
                sets.Add(_byKind.GetValueOrDefault(query.Kind) ?? []);
            }
            else
            {
                var matching = _byKind.Where(k => KindPattern.Matches(query.Kind, k.Key)).Select(k => k.Value).ToList();
                sets.Add(matching.Count == 1 ? matching[0] : matching.SelectMany(s => s).ToHashSet());
            }
        }
        foreach (var filter in query.Meta.Where(f => f.Match == MetaMatch.Exact))
        {
            var byValue = _byMetaValue.GetOrAdd(filter.Field, field =>
            {
                var path = field.Split('.');
                return Group(_entries.Values, (e, keys) => MetaIndexKeys.AddValues(e, path, keys));
            });
            sets.Add(byValue.GetValueOrDefault(filter.Value) ?? []);
        }
        return sets.Count == 0 ? null : sets;
    }

    private static ImmutableDictionary<string, ImmutableHashSet<EntryId>> Group(IEnumerable<Entry> entries, Action<Entry, List<string>> keysOf)
    {
        var groups = new Dictionary<string, ImmutableHashSet<EntryId>.Builder>(StringComparer.Ordinal);
        var keys = new List<string>(4);
        foreach (var entry in entries)
        {
            keys.Clear();
            keysOf(entry, keys);
            foreach (var key in keys)
            {
                if (!groups.TryGetValue(key, out var set)) groups[key] = set = ImmutableHashSet.CreateBuilder<EntryId>();
                set.Add(entry.Id);
            }
        }
        return groups.ToImmutableDictionary(g => g.Key, g => g.Value.ToImmutable(), StringComparer.Ordinal);
    }

    private static void Add(ImmutableDictionary<string, ImmutableHashSet<EntryId>>.Builder index, string key, EntryId id) =>
        index[key] = (index.GetValueOrDefault(key) ?? []).Add(id);

    private static void Remove(ImmutableDictionary<string, ImmutableHashSet<EntryId>>.Builder index, string key, EntryId id)
    {
        if (!index.TryGetValue(key, out var set)) return;
        set = set.Remove(id);
        if (set.IsEmpty) index.Remove(key);
        else index[key] = set;
    }

    /// <summary>Orders ids as their text "namespace:name" sorts ordinally, without building the text.</summary>
    internal static int CompareIds(EntryId a, EntryId b)
    {
        var shorter = Math.Min(a.Namespace.Length, b.Namespace.Length);
        var prefix = string.CompareOrdinal(a.Namespace, 0, b.Namespace, 0, shorter);
        if (prefix != 0) return prefix;
        if (a.Namespace.Length != b.Namespace.Length)
        {
            // "app:x" vs "app.tools:x": after the common part one id continues with ':', the other with its next char.
            return a.Namespace.Length < b.Namespace.Length ? ':'.CompareTo(b.Namespace[shorter]) : a.Namespace[shorter].CompareTo(':');
        }
        return string.CompareOrdinal(a.Name, b.Name);
    }
}
