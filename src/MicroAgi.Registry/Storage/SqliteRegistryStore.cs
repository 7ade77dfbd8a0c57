using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MicroAgi.Registry.Storage;

/// <summary>
/// Durable store in one SQLite file (WAL mode). Each version is written in a single transaction —
/// its row, its changes and the affected entries' new state — so a process killed mid-apply leaves
/// the file at the previous version or the next one, never between; and a version is synced to disk
/// before it is reported applied (<c>synchronous = FULL</c>), so it survives a power loss too.
/// </summary>
public sealed class SqliteRegistryStore : IRegistryStore
{
    // One connection, used by one caller at a time (SqliteConnection is not thread-safe).
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly string _path;

    private SqliteRegistryStore(SqliteConnection connection, string path)
    {
        _connection = connection;
        _path = path;
    }

    /// <summary>Opens (creating if needed) the registry database at <paramref name="path"/>.</summary>
    public static SqliteRegistryStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 5,
        }.ToString());
        try
        {
            connection.Open();
            SqliteSchema.Prepare(connection, path);
            return new SqliteRegistryStore(connection, path);
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw Explain(ex, path, "open");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public Task<StoredOverlay> LoadAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        try
        {
            // One read transaction: the entries and the version number come from the same commit, or a
            // version stored in between would be counted without its entries (and its creates repeated).
            using var transaction = _connection.BeginTransaction(deferred: true);
            var entries = new List<StoredEntry>();
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = "SELECT id, state FROM entries ORDER BY id";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    entries.Add(ReadRow("entries", () => StoredRows.Show(reader.GetValue(0)), () =>
                    {
                        var id = StoredRows.Id(reader, 0);
                        return new StoredEntry(id, StoredRows.State(reader, 1, id));
                    }));
                }
            }
            return Task.FromResult(new StoredOverlay(LatestVersion(), entries));
        }
        catch (SqliteException ex)
        {
            throw Explain(ex, _path, "read");
        }
    }

    public Task<IReadOnlyList<RegistryVersion>> ReadVersionsAsync(long afterVersion, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        try
        {
            // One read transaction, as in LoadAsync: a version must never be read without its changes.
            using var transaction = _connection.BeginTransaction(deferred: true);
            var changes = new Dictionary<long, List<EntryChange>>();
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = "SELECT version, seq, op, id, before, after FROM changes WHERE version > $after ORDER BY version, seq";
                command.Parameters.AddWithValue("$after", afterVersion);
                using var reader = command.ExecuteReader();
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
            var versions = new List<RegistryVersion>();
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = "SELECT number, applied_at, description FROM versions WHERE number > $after ORDER BY number";
                command.Parameters.AddWithValue("$after", afterVersion);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    versions.Add(ReadRow("versions", () => StoredRows.Show(reader.GetValue(0)), () =>
                    {
                        var number = StoredRows.Integer(reader, 0);
                        return new RegistryVersion(number, StoredRows.Timestamp(reader, 1), StoredRows.OptionalText(reader, 2),
                            changes.GetValueOrDefault(number) ?? []);
                    }));
                }
            }
            return Task.FromResult<IReadOnlyList<RegistryVersion>>(versions);
        }
        catch (SqliteException ex)
        {
            throw Explain(ex, _path, "read");
        }
    }

    public Task AppendAsync(RegistryVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        lock (_gate)
        try
        {
            // BEGIN IMMEDIATE takes the write lock up front, so the version check and the write are one step.
            using var transaction = _connection.BeginTransaction(deferred: false);
            var latest = LatestVersion();
            if (latest != version.Number - 1) throw new StoreVersionConflictException(version.Number - 1, latest);

            using (var command = _connection.CreateCommand())
            {
                command.CommandText = "INSERT INTO versions (number, applied_at, description) VALUES ($number, $at, $description)";
                command.Parameters.AddWithValue("$number", version.Number);
                command.Parameters.AddWithValue("$at", version.AppliedAt.ToString("O", CultureInfo.InvariantCulture));
                command.Parameters.AddWithValue("$description", (object?)version.Description ?? DBNull.Value);
                command.ExecuteNonQuery();
            }

            using var insertChange = _connection.CreateCommand();
            insertChange.CommandText = "INSERT INTO changes (version, seq, op, id, before, after) VALUES ($version, $seq, $op, $id, $before, $after)";
            var changeVersion = insertChange.Parameters.Add("$version", SqliteType.Integer);
            var seq = insertChange.Parameters.Add("$seq", SqliteType.Integer);
            var op = insertChange.Parameters.Add("$op", SqliteType.Text);
            var changeId = insertChange.Parameters.Add("$id", SqliteType.Text);
            var before = insertChange.Parameters.Add("$before", SqliteType.Text);
            var after = insertChange.Parameters.Add("$after", SqliteType.Text);

            using var upsertEntry = _connection.CreateCommand();
            upsertEntry.CommandText = """
                INSERT INTO entries (id, state, version) VALUES ($id, $state, $version)
                ON CONFLICT(id) DO UPDATE SET state = excluded.state, version = excluded.version
                """;
            var entryId = upsertEntry.Parameters.Add("$id", SqliteType.Text);
            var state = upsertEntry.Parameters.Add("$state", SqliteType.Text);
            var entryVersion = upsertEntry.Parameters.Add("$version", SqliteType.Integer);

            // A reset leaves no stored state, so the app's entry shows through when the registry is opened.
            using var deleteEntry = _connection.CreateCommand();
            deleteEntry.CommandText = "DELETE FROM entries WHERE id = $id";
            var resetId = deleteEntry.Parameters.Add("$id", SqliteType.Text);

            for (var i = 0; i < version.Changes.Count; i++)
            {
                var change = version.Changes[i];
                var afterJson = EntryJson.Write(change.After);
                changeVersion.Value = version.Number;
                seq.Value = i;
                op.Value = change.Kind.ToString();
                changeId.Value = change.Id.ToString();
                before.Value = (object?)EntryJson.Write(change.Before) ?? DBNull.Value;
                after.Value = (object?)afterJson ?? DBNull.Value;
                insertChange.ExecuteNonQuery();

                if (change.Kind == ChangeKind.Reset)
                {
                    resetId.Value = change.Id.ToString();
                    deleteEntry.ExecuteNonQuery();
                    continue;
                }
                entryId.Value = change.Id.ToString();
                state.Value = (object?)afterJson ?? DBNull.Value;
                entryVersion.Value = version.Number;
                upsertEntry.ExecuteNonQuery();
            }
            transaction.Commit();
            return Task.CompletedTask;
        }
        catch (SqliteException ex)
        {
            throw Explain(ex, _path, "write");
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate) _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private long LatestVersion()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(number), 0) FROM versions";
        var latest = command.ExecuteScalar();
        return latest as long? ?? throw StoredRows.Damaged(_path, "versions", StoredRows.Show(latest), "number is not an integer");
    }

    /// <summary>Reads one row; a value MicroAgi could not have written names the file, table and row.</summary>
    private T ReadRow<T>(string table, Func<string> key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (FormatException ex)
        {
            throw StoredRows.Damaged(_path, table, key(), ex.Message, ex);
        }
    }

    private static RegistryStoreException Explain(SqliteException ex, string path, string what) => ex.SqliteErrorCode switch
    {
        5 or 6 => new RegistryStoreException(
            $"registry database '{path}' is locked by another process and stayed locked for 5 s; close the other MicroAgi or use another --state-dir", ex),
        26 or 11 => new RegistryStoreException(
            $"registry database '{path}' is not a MicroAgi database or is damaged; move it away (MicroAgi creates a new one) or use another --state-dir", ex),
        8 or 14 or 23 => new RegistryStoreException(
            $"cannot {what} registry database '{path}': no permission or the directory is not writable ({ex.Message}); fix the permissions or use another --state-dir", ex),
        _ => new RegistryStoreException($"cannot {what} registry database '{path}': {ex.Message}", ex),
    };
}
