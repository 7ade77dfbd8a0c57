using System.Collections.Concurrent;
using System.Collections.Immutable;
using MicroAgi.Registry.Storage;

namespace MicroAgi.Registry;

/// <summary>
/// An immutable state of the registry at one version. Cheap to take and safe to read from any
/// thread; applying a changeset produces a new snapshot and leaves this one untouched.
/// </summary>
/// <remarks>
/// Over an <see cref="IIndexedRegistryStore"/> a snapshot holds in memory only the app's ids (their
/// current state) and what it has been asked for; every other id is read from the store as of this
/// snapshot's version, by id or through the store's indexes, so its costs do not grow with the store.
/// Otherwise it holds every entry.
/// </remarks>
public sealed class RegistrySnapshot
{
    /// <summary>Entries read from the store are remembered up to this many per snapshot chain.</summary>
    private const int MaxRemembered = 10_000;

    // The entries held in memory: all of them, or (with a store) the app's ids only.
    private readonly ImmutableDictionary<EntryId, Entry> _entries;
    private readonly IIndexedRegistryStore? _store;
    private readonly ImmutableHashSet<EntryId> _heldIds;
    private readonly ConcurrentDictionary<EntryId, Entry?> _readFromStore;
    private FindIndex? _findIndex;

    private RegistrySnapshot(
        long version,
        ImmutableDictionary<EntryId, Entry> entries,
        FindIndex? findIndex,
        IIndexedRegistryStore? store = null,
        ImmutableHashSet<EntryId>? heldIds = null,
        ConcurrentDictionary<EntryId, Entry?>? readFromStore = null)
    {
        Version = version;
        _entries = entries;
        _findIndex = findIndex;
        _store = store;
        _heldIds = heldIds ?? [];
        _readFromStore = readFromStore ?? new();
    }

    public static RegistrySnapshot Empty { get; } = new(0, ImmutableDictionary<EntryId, Entry>.Empty, null);

    public long Version { get; }

    public Entry? Get(EntryId id)
    {
        if (!ReadsFromStore(id)) return _entries.GetValueOrDefault(id);
        return _readFromStore.GetOrAdd(id, static (key, self) => self._store!.TryReadState(key, self.Version, out var entry) ? entry : null, this);
    }

    public bool Contains(EntryId id) => Get(id) is not null;

    /// <summary>Starts a changeset to apply against the registry (seed style: snapshot → changes → apply).</summary>
    public ChangeSet Changes(string? description = null) => new(description);

    /// <summary>The entries matching every criterion of <paramref name="query"/>, ordered by id.</summary>
    public IReadOnlyList<Entry> Find(EntryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Built on the first find of a process, then carried from version to version (see With).
        var index = LazyInitializer.EnsureInitialized(ref _findIndex, () => FindIndex.Build(_entries));
        var held = index.Find(query);
        if (_store is null) return held;

        var matcher = new EntryQueryMatcher(query);
        var results = new List<Entry>(held);
        foreach (var candidate in _store.FindCandidates(query, Version))
        {
            if (!_heldIds.Contains(candidate.Id) && matcher.Matches(candidate)) results.Add(candidate);
        }
        results.Sort(static (a, b) => FindIndex.CompareIds(a.Id, b.Id));
        return results;
    }

    /// <summary>
    /// One page of <see cref="Find"/>: the first <paramref name="limit"/> matches in id order after
    /// <paramref name="after"/>, and whether more follow. Over a store, only the page (and, where the store's
    /// indexes cannot decide the query, the candidates passed over) is read, however many entries match.
    /// </summary>
    public EntryPage FindPage(EntryQuery query, EntryId? after, int limit)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (limit < 1) throw new ArgumentException($"a page holds at least 1 entry, not {limit}");
        var index = LazyInitializer.EnsureInitialized(ref _findIndex, () => FindIndex.Build(_entries));
        var matches = index.Find(query).Where(e => after is not { } cursor || FindIndex.CompareIds(e.Id, cursor) > 0).ToList();
        if (_store is not null)
        {
            var matcher = new EntryQueryMatcher(query);
            var fromStore = 0;
            var storeCursor = after;
            // One more than the page shows, to know whether another page follows.
            while (fromStore <= limit)
            {
                var batch = _store.FindCandidatePage(query, Version, storeCursor, limit + 1);
                foreach (var candidate in batch)
                {
                    if (_heldIds.Contains(candidate.Id) || !matcher.Matches(candidate)) continue;
                    matches.Add(candidate);
                    fromStore++;
                }
                if (batch.Count <= limit) break;
                storeCursor = batch[^1].Id;
            }
        }
        matches.Sort(static (a, b) => FindIndex.CompareIds(a.Id, b.Id));
        return new EntryPage(matches.Take(limit).ToList(), matches.Count > limit);
    }

    /// <summary>How many entries match <paramref name="query"/>; null when only reading every candidate could tell (a regex meta filter over a store).</summary>
    public long? Count(EntryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var index = LazyInitializer.EnsureInitialized(ref _findIndex, () => FindIndex.Build(_entries));
        long held = index.Find(query).Count;
        if (_store is null) return held;
        return _store.CountMatches(query, Version, _heldIds) is { } stored ? held + stored : null;
    }

    /// <summary>Applies already-validated changes, producing the state of <paramref name="version"/>.</summary>
    internal RegistrySnapshot With(IEnumerable<EntryChange> changes, long version)
    {
        var entries = _entries.ToBuilder();
        var changed = new List<(Entry? Before, Entry? After)>();
        var readFromStore = _readFromStore.Count > MaxRemembered ? new() : new ConcurrentDictionary<EntryId, Entry?>(_readFromStore);
        foreach (var change in changes)
        {
            if (ReadsFromStore(change.Id))
            {
                readFromStore[change.Id] = change.After;
                continue;
            }
            // Use what this state holds for the id rather than change.Before: versions synced from
            // another process were validated against that process's view.
            var before = entries.GetValueOrDefault(change.Id);
            if (change.After is { } after) entries[change.Id] = after;
            else entries.Remove(change.Id);
            changed.Add((before, change.After));
        }
        var next = entries.ToImmutable();
        var index = Volatile.Read(ref _findIndex);
        return new RegistrySnapshot(version, next, index?.With(next, changed), _store, _heldIds, readFromStore);
    }

    /// <summary>
    /// This state plus entries that live outside the store (an MCP server's tools, listed from the running
    /// server), at the same version: read like any other entry, never written.
    /// </summary>
    public RegistrySnapshot WithTransient(IEnumerable<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries.ToList();
        if (list.Count == 0) return this;
        // Held in memory like the app's entries: the store has never seen them, so it must not be asked.
        var holding = _store is null ? this : new RegistrySnapshot(Version, _entries, _findIndex, _store, _heldIds.Union(list.Select(e => e.Id)), _readFromStore);
        return holding.With(list.Select(e => new EntryChange(ChangeKind.Create, e.Id, null, e)), Version);
    }

    /// <summary>A snapshot holding exactly these entries (later duplicates replace earlier ones).</summary>
    internal static RegistrySnapshot From(IEnumerable<Entry> entries, long version)
    {
        var builder = ImmutableDictionary.CreateBuilder<EntryId, Entry>();
        foreach (var entry in entries) builder[entry.Id] = entry;
        return new RegistrySnapshot(version, builder.ToImmutable(), null);
    }

    /// <summary>
    /// A snapshot of <paramref name="store"/> at <paramref name="version"/> that holds the ids in
    /// <paramref name="heldIds"/> (present ones in <paramref name="held"/>) and reads every other id from the store.
    /// </summary>
    internal static RegistrySnapshot OverStore(IIndexedRegistryStore store, long version, IEnumerable<Entry> held, IEnumerable<EntryId> heldIds) =>
        new(version, held.ToImmutableDictionary(e => e.Id), null, store, heldIds.ToImmutableHashSet());

    private bool ReadsFromStore(EntryId id) => _store is not null && !_heldIds.Contains(id);
}

/// <summary>One page of a find: the entries, in id order, and whether more follow the last of them.</summary>
public sealed record EntryPage(IReadOnlyList<Entry> Entries, bool More);
