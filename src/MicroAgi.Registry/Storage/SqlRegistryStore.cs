using System.Data.Common;
using System.Globalization;
using System.Text;

namespace MicroAgi.Registry.Storage;

/// <summary>
/// The SQL both durable stores share (SQLite, PostgreSQL). Tables: <c>versions</c> (one row per
/// version, with its author), <c>changes</c> (each operation with the entry's state before and after),
/// <c>entries</c> (every touched id's newest state, with its namespace, name and kind as indexed columns)
/// and <c>entry_meta</c> (the indexable meta texts of those states, see <see cref="MetaIndexKeys"/>).
/// Each version is written in one transaction that first takes the store's write lock, so versions are
/// numbered without gaps or duplicates however many writers there are. Each read is one read
/// transaction and names the version it reads at, so it sees that version whatever is written since.
/// </summary>
public abstract class SqlRegistryStore : IIndexedRegistryStore
{
    // One connection, used by one caller at a time (ADO.NET connections are not thread-safe).
    private readonly Lock _gate = new();
    private readonly DbConnection _connection;

    // The read transaction in progress (commands must name it: Microsoft.Data.Sqlite refuses them otherwise).
    private DbTransaction? _reading;

    /// <param name="name">How messages name the store: a file path, or a server and database.</param>
    protected SqlRegistryStore(DbConnection connection, string name)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        Name = name;
    }

    /// <summary>How messages name the store: a file path, or a server and database.</summary>
    public string Name { get; }

    /// <summary>What a user should do about a store whose rows MicroAgi could not have written.</summary>
    protected abstract string DamagedAdvice { get; }

    /// <summary>Starts the transaction a version is written in, holding the store's write lock until it ends.</summary>
    protected abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>A read transaction in which several statements see one committed state.</summary>
    protected abstract DbTransaction BeginRead(DbConnection connection);

    /// <summary>Called inside the write transaction, after the version's rows: e.g. to notify listeners at commit.</summary>
    protected virtual void OnWritten(DbConnection connection, DbTransaction transaction, RegistryVersion version)
    {
    }

    /// <summary>The provider's error as a message that says what to do.</summary>
    protected abstract RegistryStoreException Explain(DbException exception, string what);

    /// <summary>Whether a write failed because another writer stored the same version number first.</summary>
    protected abstract bool IsDuplicateVersion(DbException exception);

    public Task<long> ReadLatestVersionAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(() => LatestVersion(null)));

    public Task<StoredOverlay> LoadAsync(CancellationToken cancellationToken = default) => Task.FromResult(Locked("read", () =>
    {
        // One read transaction: the entries and the version number come from the same commit.
        using var transaction = BeginRead(_connection);
        var entries = new List<StoredEntry>();
        using (var command = Command("SELECT id, state FROM entries ORDER BY id", transaction))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                entries.Add(ReadRow("entries", () => StoredRows.Show(reader.GetValue(0)), () =>
                {
                    var id = StoredRows.Id(reader, 0);
                    return new StoredEntry(id, StoredRows.State(reader, 1, id));
                }));
            }
        }
        var version = LatestVersion(transaction);
        transaction.Commit();
        return new StoredOverlay(version, entries);
    }));

    public Task<IReadOnlyList<RegistryVersion>> ReadVersionsAsync(long afterVersion, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(() =>
        {
            // Versions first, then their changes: a version read is committed with all of its changes.
            var versions = ReadVersionRows("WHERE number > @after ORDER BY number", ("@after", afterVersion));
            return WithChanges(versions, "version > @low", afterVersion);
        }));

    public Task<IReadOnlyList<RegistryVersion>> ReadHistoryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit < 1) throw new ArgumentException($"a history page holds at least 1 version, not {query.Limit}");
        return Task.FromResult(Read(() =>
        {
            var where = new StringBuilder("WHERE number < @before");
            var parameters = new List<(string, object?)> { ("@before", query.Before ?? long.MaxValue), ("@limit", (long)query.Limit) };
            if (query.Author is not null)
            {
                where.Append(" AND (author_user = @author OR author_agent = @author OR author_session = @author OR author_machine = @author)");
                parameters.Add(("@author", query.Author));
            }
            where.Append(" ORDER BY number DESC LIMIT @limit");
            var versions = ReadVersionRows(where.ToString(), [.. parameters]);
            return versions.Count == 0
                ? versions
                : query.Summary
                    ? Summaries(versions)
                    : WithChanges(versions, "version >= @low AND version <= @high", versions.Min(v => v.Number), versions.Max(v => v.Number));
        }));
    }

    public Task<IReadOnlyDictionary<EntryId, Entry?>> ReadStatesAsync(IReadOnlyCollection<EntryId> ids, long atVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Task.FromResult<IReadOnlyDictionary<EntryId, Entry?>>(Read(() =>
        {
            var states = new Dictionary<EntryId, Entry?>();
            using var command = StateCommand();
            foreach (var id in ids)
            {
                if (ReadState(command, id, atVersion, out var entry)) states[id] = entry;
            }
            return states;
        }));
    }

    public bool TryReadState(EntryId id, long atVersion, out Entry? entry)
    {
        Entry? found = null;
        var stored = Read(() =>
        {
            using var command = StateCommand();
            return ReadState(command, id, atVersion, out found);
        });
        entry = found;
        return stored;
    }

    public IReadOnlyList<Entry> FindCandidates(EntryQuery query, long atVersion) => FindCandidatePage(query, atVersion, null, null);

    public IReadOnlyList<Entry> FindCandidatePage(EntryQuery query, long atVersion, EntryId? after, int? limit)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (limit < 1) throw new ArgumentException($"a page holds at least 1 entry, not {limit}");
        return Read(() =>
        {
            var found = new Dictionary<EntryId, Entry>();
            // Entries whose newest change is at or before the version hold their state of that version...
            var (sql, parameters) = CandidateQuery(query, atVersion, after, limit, count: false);
            using (var command = Command(sql, null, parameters))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var entry = ReadRow("entries", () => StoredRows.Show(reader.GetValue(0)), () => StoredRows.State(reader, 1, StoredRows.Id(reader, 0)));
                    if (entry is not null) found[entry.Id] = entry;
                }
            }
            // ...and the few changed since (by other processes) are read as of the version, one by one.
            foreach (var (id, entry) in ChangedSince(atVersion, after))
            {
                if (entry is null) found.Remove(id);
                else found[id] = entry;
            }
            var page = found.Values.ToList();
            if (limit is null) return (IReadOnlyList<Entry>)page;
            page.Sort(static (a, b) => FindIndex.CompareIds(a.Id, b.Id));
            return page.Take(limit.Value).ToList();
        });
    }

    public long? CountMatches(EntryQuery query, long atVersion, IReadOnlyCollection<EntryId> excluded)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(excluded);
        if (!CountsExactly(query)) return null;
        return Read(() =>
        {
            var (sql, parameters) = CandidateQuery(query, atVersion, null, null, count: true);
            var where = new StringBuilder(sql);
            var all = new List<(string, object?)>(parameters);
            var n = 0;
            foreach (var id in excluded)
            {
                where.Append(CultureInfo.InvariantCulture, $" AND e.id <> @excluded{n}");
                all.Add(($"@excluded{n++}", id.ToString()));
            }
            long total;
            using (var command = Command(where.ToString(), null, [.. all]))
            {
                total = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
            var matcher = new EntryQueryMatcher(query);
            var skip = excluded as IReadOnlySet<EntryId> ?? excluded.ToHashSet();
            foreach (var (id, entry) in ChangedSince(atVersion, null))
            {
                if (entry is not null && !skip.Contains(id) && matcher.Matches(entry)) total++;
            }
            return (long?)total;
        });
    }

    /// <summary>
    /// The ids changed after <paramref name="atVersion"/> (by other processes, since this reader's snapshot), with
    /// their state as of that version — null when they had none then. Few: a snapshot is refreshed at each step.
    /// </summary>
    private List<(EntryId Id, Entry? Entry)> ChangedSince(long atVersion, EntryId? after)
    {
        var changedSince = new List<EntryId>();
        var seen = new HashSet<EntryId>();
        using (var command = Command(ChangedIdsSql, null, ("@version", atVersion)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var id = ReadRow("changes", () => StoredRows.Show(reader.GetValue(0)), () => StoredRows.Id(reader, 0));
                if (seen.Add(id)) changedSince.Add(id);
            }
        }
        var states = new List<(EntryId, Entry?)>();
        using var state = StateCommand();
        foreach (var id in changedSince)
        {
            if (after is { } cursor && FindIndex.CompareIds(id, cursor) <= 0) continue;
            states.Add((id, ReadState(state, id, atVersion, out var entry) ? entry : null));
        }
        return states;
    }

    /// <summary>
    /// The ids of the changes after a version, repeated when changed more than once. Not <c>DISTINCT</c>: with it,
    /// SQLite read the whole <c>(id, version)</c> index to skip duplicates — every change ever stored, at every
    /// find — instead of the few rows past the version through the primary key.
    /// </summary>
    internal const string ChangedIdsSql = "SELECT id FROM changes WHERE version > @version";

    /// <summary>Looks at the newest version a few times a second (SQLite has no notifications between processes).</summary>
    public virtual async Task WaitForVersionAfterAsync(long version, CancellationToken cancellationToken = default)
    {
        while (await ReadLatestVersionAsync(cancellationToken).ConfigureAwait(false) <= version)
        {
            await Task.Delay(StorePolling.Interval, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task AppendAsync(RegistryVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        Locked("write", () =>
        {
            using var transaction = BeginWrite(_connection);
            var latest = LatestVersion(transaction);
            if (latest != version.Number - 1) throw new StoreVersionConflictException(version.Number - 1, latest);
            try
            {
                WriteVersion(transaction, version);
            }
            catch (DbException ex) when (IsDuplicateVersion(ex))
            {
                throw new StoreVersionConflictException(version.Number - 1, version.Number);
            }
            OnWritten(_connection, transaction, version);
            transaction.Commit();
            return true;
        });
        return Task.CompletedTask;
    }

    public virtual ValueTask DisposeAsync()
    {
        lock (_gate) _connection.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private void WriteVersion(DbTransaction transaction, RegistryVersion version)
    {
        var author = version.Author;
        using (var command = Command(
            "INSERT INTO versions (number, applied_at, description, author_user, author_agent, author_session, author_machine) " +
            "VALUES (@number, @at, @description, @user, @agent, @session, @machine)", transaction,
            ("@number", version.Number), ("@at", AppliedAtValue(version.AppliedAt)), ("@description", version.Description),
            ("@user", author?.User), ("@agent", author?.Agent), ("@session", author?.Session), ("@machine", author?.Machine)))
        {
            command.ExecuteNonQuery();
        }

        using var insertChange = Command(
            "INSERT INTO changes (version, seq, op, id, before, after) VALUES (@version, @seq, @op, @id, @before, @after)", transaction,
            ("@version", version.Number), ("@seq", 0L), ("@op", ""), ("@id", ""), ("@before", null), ("@after", null));
        using var upsertEntry = Command("""
            INSERT INTO entries (id, state, version, ns, name, kind) VALUES (@id, @state, @version, @ns, @name, @kind)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, version = excluded.version, ns = excluded.ns, name = excluded.name, kind = excluded.kind
            """, transaction, ("@id", ""), ("@state", null), ("@version", version.Number), ("@ns", ""), ("@name", ""), ("@kind", null));
        // A reset leaves no stored state, so the app's entry shows through.
        using var deleteEntry = Command("DELETE FROM entries WHERE id = @id", transaction, ("@id", ""));
        using var deleteMeta = Command("DELETE FROM entry_meta WHERE id = @id", transaction, ("@id", ""));
        using var insertMeta = Command("INSERT INTO entry_meta (id, meta_path, meta_value) VALUES (@id, @path, @value)", transaction,
            ("@id", ""), ("@path", ""), ("@value", ""));

        for (var i = 0; i < version.Changes.Count; i++)
        {
            var change = version.Changes[i];
            var id = change.Id.ToString();
            var afterJson = EntryJson.Write(change.After);
            Set(insertChange, ("@seq", (long)i), ("@op", change.Kind.ToString()), ("@id", id), ("@before", EntryJson.Write(change.Before)), ("@after", afterJson));
            insertChange.ExecuteNonQuery();

            Set(deleteMeta, ("@id", id));
            deleteMeta.ExecuteNonQuery();
            if (change.Kind == ChangeKind.Reset)
            {
                Set(deleteEntry, ("@id", id));
                deleteEntry.ExecuteNonQuery();
                continue;
            }
            Set(upsertEntry, ("@id", id), ("@state", afterJson), ("@ns", change.Id.Namespace), ("@name", change.Id.Name), ("@kind", change.After?.Kind));
            upsertEntry.ExecuteNonQuery();
            if (change.After is null) continue;
            foreach (var (path, value) in MetaIndexKeys.Of(change.After))
            {
                Set(insertMeta, ("@id", id), ("@path", path), ("@value", value));
                insertMeta.ExecuteNonQuery();
            }
        }
    }

    /// <summary>The value the <c>applied_at</c> column takes: ISO-8601 text unless the store has a timestamp type.</summary>
    protected virtual object AppliedAtValue(DateTimeOffset appliedAt) => appliedAt.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>
    /// A prefilter on the indexed columns; what it cannot narrow, the caller's match check does. The join order is
    /// fixed (CROSS JOIN: SQLite keeps the left table outside) and chosen by <see cref="DrivingMeta"/>, so a
    /// common value such as <c>type = tool</c> never drives a find whose namespace holds a handful of entries, nor a
    /// common kind one whose <c>type = llm.model</c> does. A page (<paramref name="limit"/>) is read in id order after
    /// <paramref name="after"/>, through the driving index where it is ordered so.
    /// </summary>
    private (string Sql, (string, object?)[] Parameters) CandidateQuery(EntryQuery query, long atVersion, EntryId? after, int? limit, bool count)
    {
        var metas = query.Meta.Where(MetaIndexKeys.Indexable).ToList();
        var driver = DrivingMeta(query, metas);
        var from = new StringBuilder(driver < 0 ? "entries e" : $"entry_meta m{driver} CROSS JOIN entries e");
        for (var i = 0; i < metas.Count; i++)
        {
            if (i != driver) from.Append(CultureInfo.InvariantCulture, $" CROSS JOIN entry_meta m{i}");
        }

        var sql = new StringBuilder(count ? "SELECT COUNT(*) FROM " : "SELECT e.id, e.state FROM ").Append(from)
            .Append(" WHERE e.version <= @version AND e.state IS NOT NULL");
        var parameters = new List<(string, object?)> { ("@version", atVersion) };
        sql.Append(EntryCriteria(query, parameters));
        for (var i = 0; i < metas.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND m{i}.id = e.id AND m{i}.meta_path = @path{i} AND m{i}.meta_value = @value{i}");
            parameters.Add(($"@path{i}", metas[i].Field));
            parameters.Add(($"@value{i}", metas[i].Value));
        }
        if (after is { } cursor)
        {
            sql.Append(" AND e.id > @after");
            parameters.Add(("@after", cursor.ToString()));
            // The same bound on the column the driving index is ordered by, so the page starts inside the index.
            if (driver >= 0) sql.Append(CultureInfo.InvariantCulture, $" AND m{driver}.id > @after");
            else if (query.Namespace == cursor.Namespace)
            {
                sql.Append(" AND e.name >= @afterName");
                parameters.Add(("@afterName", cursor.Name));
            }
        }
        if (limit is { } most)
        {
            // Within one namespace names sort as ids do, and (ns, name) is an index; across namespaces the id is.
            sql.Append(driver >= 0 ? $" ORDER BY m{driver}.id" : query.Namespace is not null ? " ORDER BY e.name" : " ORDER BY e.id");
            sql.Append(" LIMIT @limit");
            parameters.Add(("@limit", (long)most));
        }
        return (sql.ToString(), [.. parameters]);
    }

    /// <summary>The query's conditions on the entries' own indexed columns (namespace, name, kind), as SQL.</summary>
    private static string EntryCriteria(EntryQuery query, List<(string, object?)> parameters)
    {
        var sql = new StringBuilder();
        if (query.Namespace is not null)
        {
            sql.Append(" AND e.ns = @ns");
            parameters.Add(("@ns", query.Namespace));
        }
        if (query.Name is not null)
        {
            sql.Append(" AND e.name = @name");
            parameters.Add(("@name", query.Name));
        }
        if (query.Kind is not null)
        {
            var star = query.Kind.IndexOf('*', StringComparison.Ordinal);
            if (star < 0)
            {
                sql.Append(" AND e.kind = @kind");
                parameters.Add(("@kind", query.Kind));
            }
            else if (KindRange(query.Kind[..star]) is var (low, high))
            {
                sql.Append(" AND e.kind >= @kindLow AND e.kind < @kindHigh");
                parameters.Add(("@kindLow", low));
                parameters.Add(("@kindHigh", high));
            }
        }
        return sql.ToString();
    }

    /// <summary>
    /// Which exact meta filter should drive a find (its index read first), or -1 for the entries' own columns:
    /// the criterion with the fewest rows, each counted up to <see cref="ProbeLimit"/> in its index — a bounded
    /// look, so the choice costs the same whatever the store's size. Planner statistics cannot make it: they
    /// average over values, and <c>type</c> has a few values of very different sizes.
    /// </summary>
    private int DrivingMeta(EntryQuery query, List<MetaFilter> metas)
    {
        if (metas.Count == 0) return -1;
        var criteria = new List<(string, object?)> { ("@cap", (long)ProbeLimit) };
        var entryCriteria = EntryCriteria(query, criteria);
        var best = entryCriteria.Length == 0 ? long.MaxValue : Probe($"SELECT 1 FROM entries e WHERE 1 = 1{entryCriteria}", criteria);
        var driver = -1;
        for (var i = 0; i < metas.Count; i++)
        {
            var rows = Probe("SELECT 1 FROM entry_meta WHERE meta_path = @path AND meta_value = @value",
                [("@cap", (long)ProbeLimit), ("@path", metas[i].Field), ("@value", metas[i].Value)]);
            if (rows < best)
            {
                best = rows;
                driver = i;
            }
        }
        return driver;
    }

    /// <summary>How many rows <paramref name="select"/> gives, counted up to <see cref="ProbeLimit"/>.</summary>
    private long Probe(string select, List<(string, object?)> parameters)
    {
        using var command = Command($"SELECT COUNT(*) FROM ({select} LIMIT @cap) probe", null, [.. parameters]);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>How far <see cref="DrivingMeta"/> counts: enough to tell a handful of rows from many.</summary>
    private const int ProbeLimit = 1000;

    /// <summary>The SQL a find runs (its join order chosen on the store as it is now), for tests to ask the planner about.</summary>
    internal (string Sql, (string Name, object? Value)[] Parameters) CandidateQueryFor(EntryQuery query, long atVersion, EntryId? after, int? limit) =>
        Read(() => CandidateQuery(query, atVersion, after, limit, count: false));

    /// <summary>Whether the indexed columns alone decide <paramref name="query"/> (so a count needs no entry read).</summary>
    private static bool CountsExactly(EntryQuery query)
    {
        if (!query.Meta.All(MetaIndexKeys.Indexable)) return false;
        if (query.Kind is not { } kind) return true;
        var star = kind.IndexOf('*', StringComparison.Ordinal);
        return star < 0 || (star == kind.Length - 1 && KindRange(kind[..star]) is not null);
    }

    /// <summary>
    /// The kinds starting with <paramref name="prefix"/> as a range [prefix, next) in ordinal order; null when
    /// there is no prefix or its last character cannot be incremented safely (then kind is not narrowed).
    /// </summary>
    private static (string Low, string High)? KindRange(string prefix)
    {
        if (prefix.Length == 0) return null;
        var last = prefix[^1];
        if (last >= '\uD7FF') return null;
        return (prefix, string.Concat(prefix.AsSpan(0, prefix.Length - 1), ((char)(last + 1)).ToString()));
    }

    private DbCommand StateCommand() => Command(
        "SELECT op, after FROM changes WHERE id = @id AND version <= @version ORDER BY version DESC, seq DESC LIMIT 1", null,
        ("@id", ""), ("@version", 0L));

    /// <summary>The last change of <paramref name="id"/> at or before the version: false when none, or it was a reset.</summary>
    private bool ReadState(DbCommand command, EntryId id, long atVersion, out Entry? entry)
    {
        Set(command, ("@id", id.ToString()), ("@version", atVersion));
        using var reader = command.ExecuteReader();
        entry = null;
        if (!reader.Read()) return false;
        var key = () => $"(id {StoredRows.Show(id.ToString())}, at version {atVersion.ToString(CultureInfo.InvariantCulture)})";
        if (ReadRow("changes", key, () => StoredRows.Op(reader, 0)) == ChangeKind.Reset) return false;
        entry = ReadRow("changes", key, () => StoredRows.State(reader, 1, id));
        return true;
    }

    private List<RegistryVersion> ReadVersionRows(string where, params (string, object?)[] parameters)
    {
        var versions = new List<RegistryVersion>();
        using var command = Command(
            "SELECT number, applied_at, description, author_user, author_agent, author_session, author_machine FROM versions " + where, null, parameters);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            versions.Add(ReadRow("versions", () => StoredRows.Show(reader.GetValue(0)), () =>
            {
                var author = new VersionAuthor(
                    StoredRows.OptionalText(reader, 3), StoredRows.OptionalText(reader, 4), StoredRows.OptionalText(reader, 5), StoredRows.OptionalText(reader, 6));
                return new RegistryVersion(StoredRows.Integer(reader, 0), StoredRows.Timestamp(reader, 1), StoredRows.OptionalText(reader, 2), [])
                {
                    Author = author == Unknown ? null : author,
                };
            }));
        }
        return versions;
    }

    private static readonly VersionAuthor Unknown = new(null);

    /// <summary>Fills in each version's changes, reading only the changes <paramref name="range"/> (over @low and @high) selects.</summary>
    private IReadOnlyList<RegistryVersion> WithChanges(List<RegistryVersion> versions, string range, long low, long high = long.MaxValue)
    {
        var changes = new Dictionary<long, List<EntryChange>>();
        using (var command = Command(
            $"SELECT version, seq, op, id, before, after FROM changes WHERE {range} ORDER BY version, seq", null, ("@low", low), ("@high", high)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var (number, change) = ReadRow("changes", () => $"(version {StoredRows.Show(reader.GetValue(0))}, seq {StoredRows.Show(reader.GetValue(1))})", () =>
                {
                    var id = StoredRows.Id(reader, 3);
                    var change = new EntryChange(StoredRows.Op(reader, 2), id, StoredRows.State(reader, 4, id), StoredRows.State(reader, 5, id));
                    return (StoredRows.Integer(reader, 0), change);
                });
                if (!changes.TryGetValue(number, out var list)) changes[number] = list = [];
                list.Add(change);
            }
        }
        return versions.Select(v => v with { Changes = changes.GetValueOrDefault(v.Number) ?? [] }).ToList();
    }

    /// <summary>Each version's first changes (op and id) and its number of changes, one version at a time through the primary key.</summary>
    private List<RegistryVersion> Summaries(List<RegistryVersion> versions)
    {
        using var first = Command(
            "SELECT seq, op, id FROM changes WHERE version = @version AND seq < @most ORDER BY seq", null, ("@version", 0L), ("@most", (long)HistoryQuery.SummaryChanges));
        using var count = Command("SELECT COUNT(*) FROM changes WHERE version = @version", null, ("@version", 0L));
        var summaries = new List<RegistryVersion>(versions.Count);
        foreach (var version in versions)
        {
            Set(first, ("@version", version.Number));
            var changes = new List<EntryChange>();
            using (var reader = first.ExecuteReader())
            {
                while (reader.Read())
                {
                    changes.Add(ReadRow("changes", () => $"(version {version.Number.ToString(CultureInfo.InvariantCulture)}, seq {StoredRows.Show(reader.GetValue(0))})",
                        () => new EntryChange(StoredRows.Op(reader, 1), StoredRows.Id(reader, 2), null, null)));
                }
            }
            Set(count, ("@version", version.Number));
            var total = Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture);
            summaries.Add(version with { Changes = changes, ChangeCount = total });
        }
        return summaries;
    }

    private long LatestVersion(DbTransaction? transaction)
    {
        using var command = Command("SELECT COALESCE(MAX(number), 0) FROM versions", transaction);
        var latest = command.ExecuteScalar();
        return latest as long? ?? throw StoredRows.Damaged(Name, "versions", StoredRows.Show(latest), "number is not an integer", advice: DamagedAdvice);
    }

    private DbCommand Command(string sql, DbTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction ?? _reading;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static void Set(DbCommand command, params (string Name, object? Value)[] values)
    {
        foreach (var (name, value) in values) command.Parameters[name].Value = value ?? DBNull.Value;
    }

    /// <summary>Runs one store operation on the connection, alone, with the provider's errors explained.</summary>
    private T Locked<T>(string what, Func<T> operation)
    {
        lock (_gate)
        {
            try
            {
                return operation();
            }
            catch (DbException ex)
            {
                throw Explain(ex, what);
            }
        }
    }

    /// <summary>A read in one read transaction: its statements see one committed state.</summary>
    private T Read<T>(Func<T> read) => Locked("read", () =>
    {
        using var transaction = BeginRead(_connection);
        _reading = transaction;
        try
        {
            var result = read();
            transaction.Commit();
            return result;
        }
        finally
        {
            _reading = null;
        }
    });

    /// <summary>Reads one row; a value MicroAgi could not have written names the store, table and row.</summary>
    private T ReadRow<T>(string table, Func<string> key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (FormatException ex)
        {
            throw StoredRows.Damaged(Name, table, key(), ex.Message, ex, DamagedAdvice);
        }
    }
}
