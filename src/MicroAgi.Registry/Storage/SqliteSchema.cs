using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MicroAgi.Registry.Storage;

/// <summary>
/// Decides what the file at a registry path is before anything is written to it: an empty database
/// gets our tables, one of ours has its schema version checked, and anything else is refused and left
/// exactly as it was (no WAL switch, no tables added).
/// </summary>
internal static class SqliteSchema
{
    /// <summary>
    /// 2 added the <c>Reset</c> change (the tables are those of 1); 3 added the authors of versions, the
    /// indexed columns of entries, the meta table and the index of changes by id.
    /// </summary>
    public const int Version = 3;

    private static readonly string[] Tables = ["changes", "entries", "schema_info", "versions"];

    private const string CreateTables = """
        CREATE TABLE schema_info (version INTEGER NOT NULL);
        CREATE TABLE versions (
            number INTEGER PRIMARY KEY,
            applied_at TEXT NOT NULL,
            description TEXT,
            author_user TEXT, author_agent TEXT, author_session TEXT, author_machine TEXT);
        CREATE TABLE changes (
            version INTEGER NOT NULL REFERENCES versions(number),
            seq INTEGER NOT NULL,
            op TEXT NOT NULL,
            id TEXT NOT NULL,
            before TEXT,
            after TEXT,
            PRIMARY KEY (version, seq));
        CREATE TABLE entries (
            id TEXT PRIMARY KEY,
            state TEXT,
            version INTEGER NOT NULL,
            ns TEXT, name TEXT, kind TEXT);
        """ + Indexes;

    /// <summary>What version 3 added to the tables of versions 1 and 2 (the new columns are filled in by the upgrade).</summary>
    private const string UpgradeTo3 = """
        ALTER TABLE versions ADD COLUMN author_user TEXT;
        ALTER TABLE versions ADD COLUMN author_agent TEXT;
        ALTER TABLE versions ADD COLUMN author_session TEXT;
        ALTER TABLE versions ADD COLUMN author_machine TEXT;
        ALTER TABLE entries ADD COLUMN ns TEXT;
        ALTER TABLE entries ADD COLUMN name TEXT;
        ALTER TABLE entries ADD COLUMN kind TEXT;
        """ + Indexes;

    private const string Indexes = """
        CREATE TABLE entry_meta (
            id TEXT NOT NULL,
            meta_path TEXT NOT NULL,
            meta_value TEXT NOT NULL);
        CREATE INDEX entry_meta_by_value ON entry_meta (meta_path, meta_value, id);
        CREATE INDEX entry_meta_by_id ON entry_meta (id);
        CREATE INDEX entries_by_ns ON entries (ns, name);
        CREATE INDEX entries_by_kind ON entries (kind);
        CREATE INDEX changes_by_id ON changes (id, version);
        """ + NameIndex;

    /// <summary>
    /// Finds by name alone (create_tool's check that no other tool has the name). Added after version 3 without a
    /// new schema version: an index changes no row, so a MicroAgi without it reads and writes the file as before.
    /// </summary>
    private const string NameIndex = "CREATE INDEX IF NOT EXISTS entries_by_name ON entries (name);";

    public static void Prepare(SqliteConnection connection, string path)
    {
        Execute(connection, "PRAGMA busy_timeout = 5000");
        if (SchemaObjects(connection).Count == 0) CreateIfStillEmpty(connection);
        Check(connection, path);
        // Only now, with the file known to be ours: WAL rewrites the database header. FULL syncs the WAL at
        // every commit, so a version reported as applied survives a power loss, not only a killed process
        // (NORMAL syncs only at checkpoints and may lose the last commits); docs/benchmarks.md has its cost.
        Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
        // Statistics let the planner pick the narrowest index of a find (a namespace or a meta value); SQLite
        // recommends this at every open: it analyzes only tables that changed enough, within a bounded effort.
        // Another process holding the write lock (or a read-only file) only means they wait for a later open;
        // a find by name then reads more rows, nothing else changes.
        try
        {
            Execute(connection, NameIndex);
            Execute(connection, "PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002");
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6 or 8)
        {
        }
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void CreateIfStillEmpty(SqliteConnection connection)
    {
        // Another process may be creating the same new file: the write lock makes one of them do it.
        using var transaction = connection.BeginTransaction(deferred: false);
        if (SchemaObjects(connection).Count > 0) return;
        Execute(connection, CreateTables);
        Execute(connection, string.Create(CultureInfo.InvariantCulture, $"INSERT INTO schema_info (version) VALUES ({Version})"));
        transaction.Commit();
    }

    private static void Check(SqliteConnection connection, string path)
    {
        var objects = SchemaObjects(connection);
        if (!Tables.All(objects.Contains))
        {
            throw new RegistryStoreException(
                $"registry database '{path}' is not a MicroAgi database (it holds {string.Join(", ", objects.Order(StringComparer.Ordinal))}); " +
                "it was left untouched: move it away (MicroAgi creates a new one) or use another --state-dir");
        }
        var found = SchemaVersion(connection);
        switch (found)
        {
            case long number when number == Version:
                return;
            case null or 1L or 2L:
                // Versions before the schema check created the tables and no row (those are version 1's tables).
                // After the upgrade an older MicroAgi refuses the file by its version instead of misreading it.
                Upgrade(connection, path);
                return;
            case long number:
                throw new RegistryStoreException(string.Create(CultureInfo.InvariantCulture,
                    $"registry database '{path}' has schema version {number}, this MicroAgi understands {Version}; use a matching MicroAgi or another --state-dir"));
            default:
                throw StoredRows.Damaged(path, "schema_info", "1", $"version is {StoredRows.Show(found)}, not a schema version number");
        }
    }

    private static object? SchemaVersion(SqliteConnection connection)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT version FROM schema_info";
        return read.ExecuteScalar();
    }

    /// <summary>Brings a version 1 or 2 file to version 3 in one transaction: columns, tables, and their contents from the stored states.</summary>
    private static void Upgrade(SqliteConnection connection, string path)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        // Another process may have upgraded the file while this one waited for the lock.
        if (SchemaVersion(connection) is long number && number == Version) return;
        Execute(connection, UpgradeTo3);
        var rows = new List<(string Id, string? State)>();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT id, state FROM entries";
            using var reader = read.ExecuteReader();
            while (reader.Read()) rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE entries SET ns = $ns, name = $name, kind = $kind WHERE id = $id";
        using var meta = connection.CreateCommand();
        meta.CommandText = "INSERT INTO entry_meta (id, meta_path, meta_value) VALUES ($id, $path, $value)";
        foreach (var (text, state) in rows)
        {
            Entry? entry;
            try
            {
                entry = EntryJson.Read(EntryId.Parse(text), state);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or System.Text.Json.JsonException)
            {
                throw StoredRows.Damaged(path, "entries", StoredRows.Show(text), ex.Message, ex);
            }
            var id = EntryId.Parse(text);
            update.Parameters.Clear();
            update.Parameters.AddWithValue("$ns", id.Namespace);
            update.Parameters.AddWithValue("$name", id.Name);
            update.Parameters.AddWithValue("$kind", (object?)entry?.Kind ?? DBNull.Value);
            update.Parameters.AddWithValue("$id", text);
            update.ExecuteNonQuery();
            if (entry is null) continue;
            foreach (var (metaPath, value) in MetaIndexKeys.Of(entry))
            {
                meta.Parameters.Clear();
                meta.Parameters.AddWithValue("$id", text);
                meta.Parameters.AddWithValue("$path", metaPath);
                meta.Parameters.AddWithValue("$value", value);
                meta.ExecuteNonQuery();
            }
        }
        Execute(connection, "DELETE FROM schema_info");
        Execute(connection, string.Create(CultureInfo.InvariantCulture, $"INSERT INTO schema_info (version) VALUES ({Version})"));
        transaction.Commit();
    }

    /// <summary>Every table, index, view and trigger in the file, by name (SQLite's own excepted).</summary>
    private static HashSet<string> SchemaObjects(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' OR name NOT LIKE 'sqlite_autoindex_%'";
        using var reader = command.ExecuteReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }
}
