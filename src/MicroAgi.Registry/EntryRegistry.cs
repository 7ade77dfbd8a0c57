using System.Text.Json;
using MicroAgi.Registry.Storage;

namespace MicroAgi.Registry;

/// <summary>
/// The registry: base entries (the YAML app, version 0) overlaid with the versions kept in an
/// <see cref="IRegistryStore"/>. Applies are serialised within the process and checked against the
/// store's newest version, so two processes sharing one store never overwrite each other.
/// </summary>
public sealed class EntryRegistry : IRegistry, IAsyncDisposable
{
    /// <summary>
    /// How often an apply may find that another writer stored a version first. Each lost attempt means another
    /// writer made progress, so this only bounds starvation; many writers on one shared store need room.
    /// </summary>
    private const int MaxSyncAttempts = 100;

    private readonly IRegistryStore _store;
    private readonly IReadOnlyList<IEntryValidator> _validators;
    private readonly IReadOnlyDictionary<EntryId, Entry> _appEntries;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private volatile RegistrySnapshot _current;

    private EntryRegistry(IRegistryStore store, IReadOnlyDictionary<EntryId, Entry> appEntries, RegistrySnapshot initial, IReadOnlyList<IEntryValidator>? validators)
    {
        _store = store;
        _appEntries = appEntries;
        _validators = validators ?? [];
        _current = initial;
    }

    public event EventHandler<RegistryChangedEventArgs>? Changed;

    /// <summary>Who the versions this registry writes are recorded as by default; a changeset's own author fills in over it.</summary>
    public VersionAuthor Author { get; set; } = VersionAuthor.OfProcess();

    public long Version => _current.Version;

    /// <summary>Opens a registry whose runtime changes live in <paramref name="store"/>.</summary>
    public static async Task<EntryRegistry> OpenAsync(
        IRegistryStore store,
        IEnumerable<Entry> baseEntries,
        IReadOnlyList<IEntryValidator>? validators = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(baseEntries);
        var appEntries = AppEntries(baseEntries);
        var initial = store is IIndexedRegistryStore indexed
            ? await OverStoreAsync(indexed, appEntries, cancellationToken).ConfigureAwait(false)
            : await LoadedAsync(store, appEntries, cancellationToken).ConfigureAwait(false);
        return new EntryRegistry(store, appEntries, initial, validators);
    }

    /// <summary>A registry that keeps its changes in memory only.</summary>
    public static EntryRegistry CreateInMemory(IEnumerable<Entry> baseEntries, IReadOnlyList<IEntryValidator>? validators = null)
    {
        ArgumentNullException.ThrowIfNull(baseEntries);
        var appEntries = AppEntries(baseEntries);
        return new EntryRegistry(new MemoryRegistryStore(), appEntries, RegistrySnapshot.From(appEntries.Values, 0), validators);
    }

    public RegistrySnapshot Snapshot() => _current;

    public Entry? Get(EntryId id) => _current.Get(id);

    public IReadOnlyList<Entry> Find(EntryQuery query) => _current.Find(query);

    public bool IsAppDefined(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _appEntries.TryGetValue(entry.Id, out var app)
            && (ReferenceEquals(app, entry) || (app.Kind == entry.Kind && JsonElement.DeepEquals(app.Data, entry.Data)));
    }

    public async Task<RegistryVersion> ApplyAsync(ChangeSet changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Operations.Count == 0) throw new ArgumentException("changeset is empty: add at least one create, update or delete", nameof(changes));

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        RegistryVersion applied;
        try
        {
            applied = await ApplyLockedAsync(changes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
        return applied;
    }

    /// <summary>Pulls versions that other processes stored since this registry last looked.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SyncLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Keeps this registry current until cancelled: each version another process stores is taken in as soon
    /// as the store tells of it (at once with PostgreSQL, within a fraction of a second with SQLite) and
    /// raises <see cref="Changed"/>. Observers such as an MCP server watch <see cref="Changed"/> or <see cref="Version"/>.
    /// </summary>
    public async Task FollowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _store.WaitForVersionAfterAsync(_current.Version, cancellationToken).ConfigureAwait(false);
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<IReadOnlyList<RegistryVersion>> HistoryAsync(CancellationToken cancellationToken = default) =>
        _store.ReadVersionsAsync(0, cancellationToken);

    /// <summary>One page of history, newest first, reading only the versions on it.</summary>
    public Task<IReadOnlyList<RegistryVersion>> HistoryPageAsync(HistoryQuery query, CancellationToken cancellationToken = default) =>
        _store.ReadHistoryAsync(query, cancellationToken);

    /// <summary>One stored version, or null when there is no such version.</summary>
    public async Task<RegistryVersion?> ReadVersionAsync(long number, CancellationToken cancellationToken = default)
    {
        if (number < 1) return null;
        var page = await _store.ReadHistoryAsync(new HistoryQuery(1, number + 1), cancellationToken).ConfigureAwait(false);
        return page.Count == 1 && page[0].Number == number ? page[0] : null;
    }

    /// <summary>
    /// The newest version in the store, which other processes may have moved past <see cref="Version"/>;
    /// <see cref="RefreshAsync"/> takes their versions in.
    /// </summary>
    public Task<long> ReadStoredVersionAsync(CancellationToken cancellationToken = default) => _store.ReadLatestVersionAsync(cancellationToken);

    public async Task<RegistryVersion> RollbackAsync(long version, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SyncLockedAsync(cancellationToken).ConfigureAwait(false);
            var current = _current;
            if (version < 0 || version >= current.Version)
            {
                // No parameter name: the message goes to users as it is, without ".NET (Parameter 'version')".
                throw new ArgumentException(
                    $"cannot roll back to version {version}: pick a version from 0 (the base app) to {current.Version - 1}");
            }
            // Only what changed after the target is read, and the stored state of those ids then and now.
            var later = await _store.ReadVersionsAsync(version, cancellationToken).ConfigureAwait(false);
            var touched = later.SelectMany(v => v.Changes).Select(c => c.Id).ToHashSet();
            var then = await _store.ReadStatesAsync(touched, version, cancellationToken).ConfigureAwait(false);
            var now = await _store.ReadStatesAsync(touched, current.Version, cancellationToken).ConfigureAwait(false);
            var rollback = RollbackPlanner.Plan(current, touched, then, now, version);
            return await ApplyLockedAsync(rollback, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync().ConfigureAwait(false);
        _writeGate.Dispose();
    }

    private async Task<RegistryVersion> ApplyLockedAsync(ChangeSet changes, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = _current;
            var entryChanges = ChangeValidator.Validate(current, changes, _validators, _appEntries);
            // Writing what is already there records nothing: history shows changes, not saves.
            if (entryChanges.All(c => c.Kind == ChangeKind.Update && Equals(c.Before, c.After)))
                return new RegistryVersion(current.Version, DateTimeOffset.UtcNow, changes.Description, []);
            var version = new RegistryVersion(current.Version + 1, DateTimeOffset.UtcNow, changes.Description, entryChanges)
            {
                Author = changes.Author?.Over(Author) ?? Author,
            };
            try
            {
                await _store.AppendAsync(version, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreVersionConflictException) when (attempt < MaxSyncAttempts)
            {
                // Another process got there first: take its versions and validate again against them.
                await SyncLockedAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            Publish(version);
            return version;
        }
    }

    private async Task SyncLockedAsync(CancellationToken cancellationToken)
    {
        var newer = await _store.ReadVersionsAsync(_current.Version, cancellationToken).ConfigureAwait(false);
        foreach (var version in newer) Publish(version);
    }

    private void Publish(RegistryVersion version)
    {
        // A reset brings back this process's app entry: another process may run with another --app.
        var changes = version.Changes.Select(c => c.Kind == ChangeKind.Reset ? c with { After = _appEntries.GetValueOrDefault(c.Id) } : c);
        _current = _current.With(changes, version.Number);
        Changed?.Invoke(this, new RegistryChangedEventArgs(version));
    }

    /// <summary>Reads the whole store and lays it over the app: for stores without indexes.</summary>
    private static async Task<RegistrySnapshot> LoadedAsync(IRegistryStore store, Dictionary<EntryId, Entry> appEntries, CancellationToken cancellationToken)
    {
        var overlay = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        var state = new Dictionary<EntryId, Entry>(appEntries);
        foreach (var stored in overlay.Entries)
        {
            if (stored.Entry is null) state.Remove(stored.Id);
            else state[stored.Id] = stored.Entry;
        }
        return RegistrySnapshot.From(state.Values, overlay.Version);
    }

    /// <summary>Reads only the stored state of the app's ids: the rest is read from the store when asked for.</summary>
    private static async Task<RegistrySnapshot> OverStoreAsync(IIndexedRegistryStore store, Dictionary<EntryId, Entry> appEntries, CancellationToken cancellationToken)
    {
        var version = await store.ReadLatestVersionAsync(cancellationToken).ConfigureAwait(false);
        var stored = await store.ReadStatesAsync(appEntries.Keys, version, cancellationToken).ConfigureAwait(false);
        var held = new Dictionary<EntryId, Entry>(appEntries);
        foreach (var (id, entry) in stored)
        {
            if (entry is null) held.Remove(id);
            else held[id] = entry;
        }
        return RegistrySnapshot.OverStore(store, version, held.Values, appEntries.Keys);
    }

    /// <summary>The base entries by id (later duplicates replace earlier ones, as app layers do).</summary>
    private static Dictionary<EntryId, Entry> AppEntries(IEnumerable<Entry> baseEntries)
    {
        var byId = new Dictionary<EntryId, Entry>();
        foreach (var entry in baseEntries) byId[entry.Id] = entry;
        return byId;
    }
}
