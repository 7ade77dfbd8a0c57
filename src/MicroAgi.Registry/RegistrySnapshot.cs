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

    private RegistrySnapshot(long version, ImmutableDictionary<EntryId, Entry> entries)
    {
        Version = version;
        _entries = entries;
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
        // Reads far outnumber writes, so the first find on a snapshot builds indexes the rest reuse.
        var index = LazyInitializer.EnsureInitialized(ref _findIndex, () => new FindIndex(_entries.Values));
        return index.Find(query);
    }

    /// <summary>Applies already-validated changes, producing the state of <paramref name="version"/>.</summary>
    internal RegistrySnapshot With(IEnumerable<EntryChange> changes, long version)
    {
        var entries = _entries.ToBuilder();
        foreach (var change in changes)
        {
            // Set by id rather than trusting change.Before: versions synced from another process
            // were validated against that process's view.
            if (change.After is { } after) entries[change.Id] = after;
            else entries.Remove(change.Id);
        }
        return new RegistrySnapshot(version, entries.ToImmutable());
    }

    /// <summary>A snapshot holding exactly these entries (later duplicates replace earlier ones).</summary>
    internal static RegistrySnapshot From(IEnumerable<Entry> entries, long version)
    {
        var builder = ImmutableDictionary.CreateBuilder<EntryId, Entry>();
        foreach (var entry in entries) builder[entry.Id] = entry;
        return new RegistrySnapshot(version, builder.ToImmutable());
    }
}
