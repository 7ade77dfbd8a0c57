namespace MicroAgi.Registry.Storage;

/// <summary>
/// Where runtime changes live. The base app (YAML) is never stored; a store holds the versions applied
/// on top of it and the resulting state of every entry those versions touched. Implementations:
/// <see cref="MemoryRegistryStore"/> (ephemeral), <see cref="SqliteRegistryStore"/> (durable, one machine)
/// and the PostgreSQL store (shared across machines).
/// </summary>
public interface IRegistryStore : IAsyncDisposable
{
    /// <summary>
    /// The newest stored version and the current state of every entry a version touched, except those
    /// whose latest change is a <see cref="ChangeKind.Reset"/> (the app's entry shows through for them).
    /// Reads the whole store: <see cref="IIndexedRegistryStore"/>s are opened without it.
    /// </summary>
    Task<StoredOverlay> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>The newest stored version (0 when nothing was applied yet).</summary>
    Task<long> ReadLatestVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>The stored versions numbered above <paramref name="afterVersion"/>, oldest first.</summary>
    Task<IReadOnlyList<RegistryVersion>> ReadVersionsAsync(long afterVersion, CancellationToken cancellationToken = default);

    /// <summary>One page of history, newest first: only the versions the page shows are read.</summary>
    Task<IReadOnlyList<RegistryVersion>> ReadHistoryAsync(HistoryQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored state of each id at <paramref name="atVersion"/>: an entry, or null for a deleted one.
    /// Ids missing from the answer have no stored state then (never changed, or reset): the app's entry shows.
    /// </summary>
    Task<IReadOnlyDictionary<EntryId, Entry?>> ReadStatesAsync(IReadOnlyCollection<EntryId> ids, long atVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns once the store holds a version above <paramref name="version"/>, stored by this process or
    /// any other: PostgreSQL is told at once (LISTEN/NOTIFY), the others are looked at a few times a second.
    /// </summary>
    Task WaitForVersionAfterAsync(long version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="version"/> atomically: all of it or nothing. Throws
    /// <see cref="StoreVersionConflictException"/> when the newest stored version is not
    /// <c>version.Number - 1</c> (another process applied something first).
    /// </summary>
    Task AppendAsync(RegistryVersion version, CancellationToken cancellationToken = default);
}

/// <summary>
/// A store that answers reads by id, namespace, kind and meta through its own indexes, at any stored
/// version, so a registry opened on it reads only what it is asked for: its costs do not grow with the
/// number of stored entries. Reads are synchronous because snapshot reads are.
/// </summary>
public interface IIndexedRegistryStore : IRegistryStore
{
    /// <summary>The stored state of <paramref name="id"/> at <paramref name="atVersion"/>; false when it has none (see <see cref="IRegistryStore.ReadStatesAsync"/>).</summary>
    bool TryReadState(EntryId id, long atVersion, out Entry? entry);

    /// <summary>
    /// The stored entries present at <paramref name="atVersion"/> that may match <paramref name="query"/>:
    /// every stored entry that matches is among them (the caller checks each one again).
    /// </summary>
    IReadOnlyList<Entry> FindCandidates(EntryQuery query, long atVersion);

    /// <summary>
    /// Like <see cref="FindCandidates"/>, one page of them: the first <paramref name="limit"/> (all when null) in id
    /// order after <paramref name="after"/>, read through an index so a page costs the same however many there are.
    /// </summary>
    IReadOnlyList<Entry> FindCandidatePage(EntryQuery query, long atVersion, EntryId? after, int? limit);

    /// <summary>
    /// How many stored entries present at <paramref name="atVersion"/> match <paramref name="query"/>, leaving out
    /// <paramref name="excluded"/>, counted in the indexes; null when they cannot decide the query (a regex meta filter, say).
    /// </summary>
    long? CountMatches(EntryQuery query, long atVersion, IReadOnlyCollection<EntryId> excluded);
}

/// <summary>
/// Which page of history to read: the newest <see cref="Limit"/> versions below <see cref="Before"/>
/// (all when null), only those written by <see cref="Author"/> when it is set (it matches any of a
/// version's user, agent, session or machine).
/// </summary>
public sealed record HistoryQuery(int Limit = 50, long? Before = null, string? Author = null)
{
    /// <summary>
    /// Read a summary of each version: the op and id of its first <see cref="SummaryChanges"/> changes, no
    /// entry states, and <see cref="RegistryVersion.ChangeCount"/> — what a listing shows, whatever a version's size.
    /// </summary>
    public bool Summary { get; init; }

    /// <summary>How many changes a summary keeps of each version.</summary>
    public const int SummaryChanges = 5;

    public bool Includes(RegistryVersion version) =>
        (Before is null || version.Number < Before) && (Author is null || version.Author?.Matches(Author) == true);

    /// <summary>A version as this query reads it (a summary, or whole).</summary>
    public RegistryVersion Shape(RegistryVersion version) => Summary
        ? version with
        {
            Changes = version.Changes.Take(SummaryChanges).Select(c => c with { Before = null, After = null }).ToList(),
            ChangeCount = version.ChangeCount,
        }
        : version;
}

/// <summary>An entry's stored state: <see cref="Entry"/> null means a runtime change deleted it.</summary>
public sealed record StoredEntry(EntryId Id, Entry? Entry);

public sealed record StoredOverlay(long Version, IReadOnlyList<StoredEntry> Entries);

/// <summary>Another writer stored a version first; sync and try again.</summary>
public sealed class StoreVersionConflictException(long expected, long actual)
    : Exception($"the store is at version {actual}, expected {expected}")
{
    public long Expected { get; } = expected;
    public long Actual { get; } = actual;
}
