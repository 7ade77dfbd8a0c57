using MicroAgi.Registry.Storage;

namespace MicroAgi.Registry;

/// <summary>
/// The registry: base entries (the YAML app, version 0) overlaid with the versions kept in an
/// <see cref="IRegistryStore"/>. Applies are serialised within the process and checked against the
/// store's newest version, so two processes sharing one store never overwrite each other.
/// </summary>
public sealed class EntryRegistry : IRegistry, IAsyncDisposable
{
    private const int MaxSyncAttempts = 8;

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
        var overlay = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        var appEntries = AppEntries(baseEntries);
        var state = new Dictionary<EntryId, Entry>(appEntries);
        foreach (var stored in overlay.Entries)
        {
            if (stored.Entry is null) state.Remove(stored.Id);
            else state[stored.Id] = stored.Entry;
        }
        return new EntryRegistry(store, appEntries, RegistrySnapshot.From(state.Values, overlay.Version), validators);
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

    public Task<IReadOnlyList<RegistryVersion>> HistoryAsync(CancellationToken cancellationToken = default) =>
        _store.ReadVersionsAsync(0, cancellationToken);

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
            var history = await _store.ReadVersionsAsync(0, cancellationToken).ConfigureAwait(false);
            var rollback = RollbackPlanner.Plan(current, history, version);
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
            var version = new RegistryVersion(current.Version + 1, DateTimeOffset.UtcNow, changes.Description, entryChanges);
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

    /// <summary>The base entries by id (later duplicates replace earlier ones, as app layers do).</summary>
    private static Dictionary<EntryId, Entry> AppEntries(IEnumerable<Entry> baseEntries)
    {
        var byId = new Dictionary<EntryId, Entry>();
        foreach (var entry in baseEntries) byId[entry.Id] = entry;
        return byId;
    }
}
