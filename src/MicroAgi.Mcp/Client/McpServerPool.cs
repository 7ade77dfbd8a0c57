using System.Collections.Concurrent;
using MicroAgi.Registry;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// The connections to the registry's <c>mcp.server</c> entries, one per server, made on first use. A
/// server entry that changed gets a new connection (the old process is stopped); one deleted is stopped.
/// </summary>
public sealed class McpServerPool(IRegistry registry, Func<string, string?> environment) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<EntryId, (Entry Entry, McpServerConnection Connection)> _connections = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The server entries of the registry now, ordered by id.</summary>
    public IReadOnlyList<Entry> Entries() => registry.Find(EntryQuery.ByKind(McpServerDefinition.Kind));

    /// <summary>The connection of server <paramref name="id"/> (not yet connected: that happens on first use).</summary>
    /// <exception cref="McpServerConfigException">No such server, or its entry cannot be used.</exception>
    public async Task<McpServerConnection> GetAsync(EntryId id, CancellationToken cancellationToken)
    {
        var entry = registry.Get(id);
        if (entry is null || entry.Kind != McpServerDefinition.Kind)
            throw new McpServerConfigException($"no MCP server {id} in the registry (see 'microagi mcp list')");
        if (_connections.TryGetValue(id, out var known) && ReferenceEquals(known.Entry, entry)) return known.Connection;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connections.TryGetValue(id, out known))
            {
                if (ReferenceEquals(known.Entry, entry)) return known.Connection;
                await known.Connection.DisposeAsync().ConfigureAwait(false);
            }
            var connection = new McpServerConnection(McpServerDefinition.FromEntry(entry, environment));
            _connections[id] = (entry, connection);
            return connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, connection) in _connections.Values) await connection.DisposeAsync().ConfigureAwait(false);
        _connections.Clear();
        _gate.Dispose();
    }
}
