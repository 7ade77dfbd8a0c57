using System.Collections.Immutable;

namespace MicroAgi.Registry;

/// <summary>
/// An immutable state of the registry at one version. Cheap to take and safe to read from any
/// thread; applying a changeset produces a new snapshot and leaves this one untouched.
/// </summary>
public sealed class RegistrySnapshot
{
    private readonly ImmutableDictionary<EntryId, Entry> _entries;
    private readonly ImmutableDictionary<string, ImmutableHashSet<EntryId>> _byKind;
    private readonly ImmutableDictionary<string, ImmutableHashSet<EntryId>> _byNamespace;

    private RegistrySnapshot(
        long version,
        ImmutableDictionary<EntryId, Entry> entries,
        ImmutableDictionary<string, ImmutableHashSet<EntryId>> byKind,
        ImmutableDictionary<string, ImmutableHashSet<EntryId>> byNamespace)
    {
        Version = version;
        _entries = entries;
        _byKind = byKind;
        _byNamespace = byNamespace;
    }

    public static RegistrySnapshot Empty { get; } = new(
        0,
        ImmutableDictionary<EntryId, Entry>.Empty,
        ImmutableDictionary<string, ImmutableHashSet<EntryId>>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, ImmutableHashSet<EntryId>>.Empty.WithComparers(StringComparer.Ordinal));

    public long Version { get; }

    public int Count => _entries.Count;

    public IEnumerable<Entry> Entries => _entries.Values;

    public Entry? Get(EntryId id) => _entries.GetValueOrDefault(id);

    public bool Contains(EntryId id) => _entries.ContainsKey(id);

    /// <summary>Starts a changeset to apply against the registry (seed style: snapshot → changes → apply).</summary>
    public ChangeSet Changes(string? description = null) => new(description);

    public IReadOnlyList<Entry> Find(EntryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var matchers = query.Meta.Select(f => new MetaFieldMatcher(f)).ToArray();
        var results = new List<Entry>();
        foreach (var id in Candidates(query))
        {
            var entry = _entries[id];
            if (query.Kind is not null && !KindPattern.Matches(query.Kind, entry.Kind)) continue;
            if (query.Namespace is not null && !string.Equals(id.Namespace, query.Namespace, StringComparison.Ordinal)) continue;
            if (query.Name is not null && !string.Equals(id.Name, query.Name, StringComparison.Ordinal)) continue;
            if (!matchers.All(m => m.Matches(entry))) continue;
            results.Add(entry);
        }
        results.Sort(static (a, b) => string.CompareOrdinal(a.Id.ToString(), b.Id.ToString()));
        return results;
    }

    /// <summary>Applies already-validated changes, producing the state of <paramref name="version"/>.</summary>
    internal RegistrySnapshot With(IEnumerable<EntryChange> changes, long version)
    {
        var entries = _entries.ToBuilder();
        var byKind = _byKind.ToBuilder();
        var byNamespace = _byNamespace.ToBuilder();
        foreach (var change in changes)
        {
            // Remove whatever this state holds for the id (not change.Before): versions synced from
            // another process were validated against that process's view.
            if (entries.TryGetValue(change.Id, out var existing))
            {
                entries.Remove(change.Id);
                RemoveFromIndex(byKind, existing.Kind, change.Id);
                RemoveFromIndex(byNamespace, change.Id.Namespace, change.Id);
            }
            if (change.After is { } after)
            {
                entries[after.Id] = after;
                AddToIndex(byKind, after.Kind, after.Id);
                AddToIndex(byNamespace, after.Id.Namespace, after.Id);
            }
        }
        return new RegistrySnapshot(version, entries.ToImmutable(), byKind.ToImmutable(), byNamespace.ToImmutable());
    }

    /// <summary>A snapshot holding exactly these entries (later duplicates replace earlier ones).</summary>
    internal static RegistrySnapshot From(IEnumerable<Entry> entries, long version)
    {
        var current = new Dictionary<EntryId, Entry>();
        foreach (var entry in entries) current[entry.Id] = entry;
        return Empty.With(current.Values.Select(e => new EntryChange(ChangeKind.Create, e.Id, null, e)), version);
    }

    private IEnumerable<EntryId> Candidates(EntryQuery query)
    {
        ImmutableHashSet<EntryId>? narrowest = null;
        if (query.Namespace is not null)
        {
            narrowest = _byNamespace.GetValueOrDefault(query.Namespace) ?? [];
        }
        if (query.Kind is not null && !query.Kind.Contains('*', StringComparison.Ordinal))
        {
            var byKind = _byKind.GetValueOrDefault(query.Kind) ?? [];
            if (narrowest is null || byKind.Count < narrowest.Count) narrowest = byKind;
        }
        else if (query.Kind is not null)
        {
            var matchingKinds = _byKind.Where(k => KindPattern.Matches(query.Kind, k.Key)).Select(k => k.Value).ToList();
            var count = matchingKinds.Sum(s => s.Count);
            if (narrowest is null || count < narrowest.Count) return matchingKinds.SelectMany(s => s);
        }
        return narrowest ?? (IEnumerable<EntryId>)_entries.Keys;
    }

    private static void AddToIndex(ImmutableDictionary<string, ImmutableHashSet<EntryId>>.Builder index, string key, EntryId id) =>
        index[key] = (index.GetValueOrDefault(key) ?? []).Add(id);

    private static void RemoveFromIndex(ImmutableDictionary<string, ImmutableHashSet<EntryId>>.Builder index, string key, EntryId id)
    {
        if (!index.TryGetValue(key, out var set)) return;
        set = set.Remove(id);
        if (set.IsEmpty) index.Remove(key);
        else index[key] = set;
    }
}
