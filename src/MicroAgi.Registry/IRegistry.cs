namespace MicroAgi.Registry;

/// <summary>
/// The live registry: the current set of entries plus a way to change them atomically.
/// Reads never block; every successful <see cref="ApplyAsync"/> that changes something produces a new, higher
/// version (one that only writes entries as they already are returns the current version, with no changes).
/// </summary>
public interface IRegistry
{
    /// <summary>The version of the current state (0 = only the base app, nothing applied yet).</summary>
    long Version { get; }

    /// <summary>An immutable view of the current state.</summary>
    RegistrySnapshot Snapshot();

    /// <summary>The entry with this id in the current state, or null.</summary>
    Entry? Get(EntryId id);

    /// <summary>
    /// Whether <paramref name="entry"/> is exactly as the app layers define it (same id, kind and data): part of the
    /// app the user runs, not written or changed since by an agent, a command or a changeset.
    /// </summary>
    bool IsAppDefined(Entry entry);

    /// <summary>The entries of the current state that match every criterion of the query, ordered by id.</summary>
    IReadOnlyList<Entry> Find(EntryQuery query);

    /// <summary>
    /// Validates the changeset against the current state and applies all of its operations or none.
    /// Throws <see cref="ChangeSetConflictException"/> when an operation does not fit the current state.
    /// </summary>
    Task<RegistryVersion> ApplyAsync(ChangeSet changes, CancellationToken cancellationToken = default);

    /// <summary>The versions applied so far, oldest first (version 0, the base app, is not listed).</summary>
    Task<IReadOnlyList<RegistryVersion>> HistoryAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes the state equal to that of <paramref name="version"/> again, as a new version.</summary>
    Task<RegistryVersion> RollbackAsync(long version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Raised after every applied version (including rollbacks and versions taken in from other
    /// processes), on the applying thread with the write lock held: handlers must be short and must
    /// not apply changes themselves.
    /// </summary>
    event EventHandler<RegistryChangedEventArgs>? Changed;
}
