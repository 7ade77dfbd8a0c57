using System.Collections.Immutable;

namespace MicroAgi.Registry;

/// <summary>
/// An immutable state of the registry at one version. Cheap to take and safe to read from any
/// thread; applying a changeset produces a new snapshot and leaves this one untouched.
/// </summary>
public sealed class RegistrySnapshot
{
    private readonly ImmutableDictionary<EntryId, Entry> _entries;
    private FindIndex? _findIndex;

    private RegistrySnapshot(long version, ImmutableDictionary<EntryId, Entry> entries, FindIndex? findIndex = null)
    {
        Version = version;
        _entries = entries;
        _findIndex = findIndex;
    }

    public static RegistrySnapshot Empty { get; } = new(0, ImmutableDictionary<EntryId, Entry>.Empty);

    public long Version { get; }

    public int Count => _entries.Count;

    public IEnumerable<Entry> Entries => _entries.Values;

    public Entry? Get(EntryId id) => _entries.GetValueOrDefault(id);

    public bool Contains(EntryId id) => _entries.ContainsKey(id);

    /// <summary>Starts a changeset to apply against the registry (seed style: snapshot → changes → apply).</summary>
    public ChangeSet Changes(string? description = null) => new(description);

    /// <summary>The entries matching every criterion of <paramref name="query"/>, ordered by id.</summary>
    public IReadOnlyList<Entry> Find(EntryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Built on the first find of a process, then carried from version to version (see With).
        var index = LazyInitializer.EnsureInitialized(ref _findIndex, () => FindIndex.Build(_entries));
        return index.Find(query);
    }

    /// <summary>Applies already-validated changes, producing the state of <paramref name="version"/>.</summary>
    internal RegistrySnapshot With(IEnumerable<EntryChange> changes, long version)
    {
        var entries = _entries.ToBuilder();
        var changed = new List<(Entry? Before, Entry? After)>();
        foreach (var change in changes)
        {
            // Use what this state holds for the id rather than change.Before: versions synced from
            // another process were validated against that process's view.
            var before = entries.GetValueOrDefault(change.Id);
            if (change.After is { } after) entries[change.Id] = after;
            else entries.Remove(change.Id);
            changed.Add((before, change.After));
        }
        var next = entries.ToImmutable();
        var index = Volatile.Read(ref _findIndex);
        return new RegistrySnapshot(version, next, index?.With(next, changed));
    }

    /// <summary>A snapshot holding exactly these entries (later duplicates replace earlier ones).</summary>
    internal static RegistrySnapshot From(IEnumerable<Entry> entries, long version)
    {
        var builder = ImmutableDictionary.CreateBuilder<EntryId, Entry>();
        foreach (var entry in entries) builder[entry.Id] = entry;
        return new RegistrySnapshot(version, builder.ToImmutable());
    }
}
