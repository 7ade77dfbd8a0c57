namespace MicroAgi.Registry.Storage;

/// <summary>
/// Where runtime changes live. The base app (YAML) is never stored; a store holds the versions applied
/// on top of it and the resulting state of every entry those versions touched. Implementations:
/// <see cref="MemoryRegistryStore"/> (ephemeral) and <see cref="SqliteRegistryStore"/> (durable).
/// </summary>
public interface IRegistryStore : IAsyncDisposable
{
    /// <summary>
    /// The newest stored version and the current state of every entry a version touched, except those
    /// whose latest change is a <see cref="ChangeKind.Reset"/> (the app's entry shows through for them).
    /// </summary>
    Task<StoredOverlay> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>The stored versions numbered above <paramref name="afterVersion"/>, oldest first.</summary>
    Task<IReadOnlyList<RegistryVersion>> ReadVersionsAsync(long afterVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="version"/> atomically: all of it or nothing. Throws
    /// <see cref="StoreVersionConflictException"/> when the newest stored version is not
    /// <c>version.Number - 1</c> (another process applied something first).
    /// </summary>
    Task AppendAsync(RegistryVersion version, CancellationToken cancellationToken = default);
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
