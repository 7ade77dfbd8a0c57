using System.Collections.Immutable;
using MicroAgi.Registry;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// The registry as an agent session reads it: the stored entries plus the tools of the MCP servers
/// discovered so far (<see cref="McpToolEntries"/>). Everything that reads entries — tool resolution,
/// grants, the call API — sees MCP tools like any other; writes go to the registry underneath.
/// </summary>
public sealed class McpToolRegistry(IRegistry inner) : IRegistry
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<EntryId, IReadOnlyList<Entry>> _tools = ImmutableDictionary<EntryId, IReadOnlyList<Entry>>.Empty;
    private (RegistrySnapshot Base, ImmutableDictionary<EntryId, IReadOnlyList<Entry>> Tools, RegistrySnapshot View)? _view;

    public IRegistry Inner { get; } = inner;

    public long Version => Inner.Version;

    public RegistrySnapshot Snapshot()
    {
        var stored = Inner.Snapshot();
        var tools = Volatile.Read(ref _tools);
        lock (_gate)
        {
            if (_view is { } view && ReferenceEquals(view.Base, stored) && ReferenceEquals(view.Tools, tools)) return view.View;
            // A stored entry wins over a transient one of the same id: nothing the store holds is hidden.
            var shown = stored.WithTransient(tools.Values.SelectMany(t => t).Where(e => !stored.Contains(e.Id)));
            _view = (stored, tools, shown);
            return shown;
        }
    }

    public Entry? Get(EntryId id) => Snapshot().Get(id);

    public bool IsAppDefined(Entry entry) => Inner.IsAppDefined(entry);

    public IReadOnlyList<Entry> Find(EntryQuery query) => Snapshot().Find(query);

    public Task<RegistryVersion> ApplyAsync(ChangeSet changes, CancellationToken cancellationToken = default) => Inner.ApplyAsync(changes, cancellationToken);

    public Task<IReadOnlyList<RegistryVersion>> HistoryAsync(CancellationToken cancellationToken = default) => Inner.HistoryAsync(cancellationToken);

    public Task<RegistryVersion> RollbackAsync(long version, CancellationToken cancellationToken = default) => Inner.RollbackAsync(version, cancellationToken);

    public event EventHandler<RegistryChangedEventArgs>? Changed
    {
        add => Inner.Changed += value;
        remove => Inner.Changed -= value;
    }

    /// <summary>The tools of server <paramref name="server"/> listed so far (none when it was not started).</summary>
    public IReadOnlyList<Entry> ToolsOf(EntryId server) => Volatile.Read(ref _tools).GetValueOrDefault(server) ?? [];

    /// <summary>
    /// Lists the tools of every server <paramref name="wanted"/> selects (and starts it for that), and drops
    /// the tools of servers no longer in the registry. A server not wanted is not even checked: nothing of it runs.
    /// </summary>
    /// <returns>What went wrong, one line per server or tool: a server that cannot start does not stop the others.</returns>
    public async Task<IReadOnlyList<string>> DiscoverAsync(McpServerPool servers, Func<EntryId, bool> wanted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(wanted);
        var problems = new List<string>();
        var tools = _tools;
        var present = new HashSet<EntryId>();
        foreach (var entry in servers.Entries())
        {
            present.Add(entry.Id);
            if (!wanted(entry.Id)) continue;
            try
            {
                var connection = await servers.GetAsync(entry.Id, cancellationToken).ConfigureAwait(false);
                var listed = await connection.ListToolsAsync(cancellationToken).ConfigureAwait(false);
                tools = tools.SetItem(entry.Id, McpToolEntries.For(connection.Server, listed, problems.Add));
            }
            catch (Exception ex) when (ex is McpServerConfigException or McpServerUnavailableException)
            {
                problems.Add(ex.Message);
            }
        }
        tools = tools.RemoveRange(tools.Keys.Where(id => !present.Contains(id)));
        Volatile.Write(ref _tools, tools);
        return problems;
    }
}
