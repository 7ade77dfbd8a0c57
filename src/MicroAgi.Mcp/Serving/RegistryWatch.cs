using MicroAgi.Registry;

namespace MicroAgi.Mcp.Serving;

/// <summary>
/// Takes in the registry versions other processes store (an agent creating a tool, <c>registry
/// rollback</c>) by asking the store for newer versions at a fixed interval. Each new version raises
/// the registry's <c>Changed</c> event, which <see cref="ServedToolCollection"/> follows.
/// </summary>
public static class RegistryWatch
{
    /// <summary>How often the store is asked when nothing else is said: cheap (one indexed query), and soon enough for a person.</summary>
    public static TimeSpan DefaultInterval { get; } = TimeSpan.FromSeconds(1);

    /// <param name="refresh">Pulls newer versions (<see cref="EntryRegistry.RefreshAsync"/>).</param>
    /// <param name="warn">Where a failed refresh is reported; the next tick tries again.</param>
    public static async Task RunAsync(Func<CancellationToken, Task> refresh, TimeSpan interval, Action<string> warn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refresh);
        ArgumentNullException.ThrowIfNull(warn);
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await refresh(cancellationToken).ConfigureAwait(false);
                }
                catch (RegistryStoreException ex)
                {
                    warn($"could not read new registry versions: {ex.Message}");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }
}
