namespace MicroAgi.Registry.Storage;

/// <summary>Copies a registry's whole history from one store into an empty one, version by version.</summary>
public static class RegistryMigration
{
    /// <summary>
    /// Appends every version of <paramref name="from"/> to <paramref name="to"/> with its number, time, author
    /// and changes, so the copy has the same history, diffs and rollbacks. Each version is its own transaction:
    /// an interrupted copy leaves whole versions, and is finished by starting over into a new, empty store.
    /// </summary>
    /// <returns>The number of versions copied.</returns>
    /// <exception cref="InvalidOperationException">The target already holds versions.</exception>
    public static async Task<long> CopyAsync(IRegistryStore from, IRegistryStore to, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var existing = await to.ReadLatestVersionAsync(cancellationToken).ConfigureAwait(false);
        if (existing != 0)
        {
            throw new InvalidOperationException(
                $"the target registry already holds {existing} versions; migrate into an empty registry (a new database, schema or file)");
        }
        long copied = 0;
        foreach (var version in await from.ReadVersionsAsync(0, cancellationToken).ConfigureAwait(false))
        {
            await to.AppendAsync(version, cancellationToken).ConfigureAwait(false);
            copied++;
            progress?.Report(copied);
        }
        return copied;
    }
}
