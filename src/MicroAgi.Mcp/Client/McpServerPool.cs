using System.Collections.Concurrent;
using MicroAgi.Registry;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// The connections to the registry's <c>mcp.server</c> entries, one per server, made on first use. A
/// server entry that changed gets a new connection (the old process is stopped); one deleted is stopped.
/// A server an agent added must pass <paramref name="allowlist"/> before anything of it runs.
/// </summary>
public sealed class McpServerPool(IRegistry registry, Func<string, string?> environment, McpCommandAllowlist allowlist) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<EntryId, (Entry Entry, McpServerConnection Connection)> _connections = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The server entries of the registry now, ordered by id.</summary>
    public IReadOnlyList<Entry> Entries() => registry.Find(EntryQuery.ByKind(McpServerDefinition.Kind));

    /// <summary>The connection of server <paramref name="id"/> (not yet connected: that happens on first use).</summary>
    /// <exception cref="McpServerConfigException">No such server, its entry cannot be used, or an agent added it and the allowlist refuses it.</exception>
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
            var server = McpServerDefinition.FromEntry(entry, environment);
            if (allowlist.Refusal(server) is { } refusal) throw new McpServerConfigException(refusal);
            var connection = new McpServerConnection(server);
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
