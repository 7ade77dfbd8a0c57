namespace MicroAgi.Registry.Storage;

/// <summary>Keeps versions in memory only: for tests and throwaway (<c>--ephemeral</c>) runs.</summary>
public sealed class MemoryRegistryStore : IRegistryStore
{
    private readonly Lock _gate = new();
    private readonly List<RegistryVersion> _versions = [];

    public Task<StoredOverlay> LoadAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var latest = new Dictionary<EntryId, Entry?>();
            foreach (var change in _versions.SelectMany(v => v.Changes))
            {
                if (change.Kind == ChangeKind.Reset) latest.Remove(change.Id);
                else latest[change.Id] = change.After;
            }
            var overlay = new StoredOverlay(_versions.Count == 0 ? 0 : _versions[^1].Number,
                latest.Select(p => new StoredEntry(p.Key, p.Value)).ToList());
            return Task.FromResult(overlay);
        }
    }

    public Task<IReadOnlyList<RegistryVersion>> ReadVersionsAsync(long afterVersion, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<RegistryVersion> versions = _versions.Where(v => v.Number > afterVersion).ToList();
            return Task.FromResult(versions);
        }
    }

    public Task<long> ReadLatestVersionAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(_versions.Count == 0 ? 0 : _versions[^1].Number);
    }

    public Task<IReadOnlyList<RegistryVersion>> ReadHistoryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            IReadOnlyList<RegistryVersion> page = Enumerable.Reverse(_versions).Where(query.Includes).Take(query.Limit).Select(query.Shape).ToList();
            return Task.FromResult(page);
        }
    }

    public Task<IReadOnlyDictionary<EntryId, Entry?>> ReadStatesAsync(IReadOnlyCollection<EntryId> ids, long atVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (_gate)
        {
            var wanted = ids.ToHashSet();
            var states = new Dictionary<EntryId, Entry?>();
            foreach (var change in _versions.Where(v => v.Number <= atVersion).SelectMany(v => v.Changes).Where(c => wanted.Contains(c.Id)))
            {
                if (change.Kind == ChangeKind.Reset) states.Remove(change.Id);
                else states[change.Id] = change.After;
            }
            return Task.FromResult<IReadOnlyDictionary<EntryId, Entry?>>(states);
        }
    }

    public async Task WaitForVersionAfterAsync(long version, CancellationToken cancellationToken = default)
    {
        while (await ReadLatestVersionAsync(cancellationToken).ConfigureAwait(false) <= version)
        {
            await Task.Delay(StorePolling.Interval, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task AppendAsync(RegistryVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        lock (_gate)
        {
            var current = _versions.Count == 0 ? 0 : _versions[^1].Number;
            if (version.Number != current + 1) throw new StoreVersionConflictException(version.Number - 1, current);
            _versions.Add(version);
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
