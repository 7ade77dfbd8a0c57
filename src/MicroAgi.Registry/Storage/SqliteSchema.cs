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
    /// <summary>2 added the <c>Reset</c> change; the tables are those of 1.</summary>
    public const int Version = 2;

    private static readonly string[] Tables = ["changes", "entries", "schema_info", "versions"];

    private const string CreateTables = """
        CREATE TABLE schema_info (version INTEGER NOT NULL);
        CREATE TABLE versions (
            number INTEGER PRIMARY KEY,
            applied_at TEXT NOT NULL,
            description TEXT);
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
            version INTEGER NOT NULL);
        """;

    public static void Prepare(SqliteConnection connection, string path)
    {
        Execute(connection, "PRAGMA busy_timeout = 5000");
        if (SchemaObjects(connection).Count == 0) CreateIfStillEmpty(connection);
        Check(connection, path);
        // Only now, with the file known to be ours: WAL rewrites the database header. FULL syncs the WAL at
        // every commit, so a version reported as applied survives a power loss, not only a killed process
        // (NORMAL syncs only at checkpoints and may lose the last commits); docs/benchmarks.md has its cost.
        Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
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
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT version FROM schema_info";
        var found = read.ExecuteScalar();
        switch (found)
        {
            case null:
                // Versions before the schema check created the tables and this row in two steps.
                Execute(connection, string.Create(CultureInfo.InvariantCulture, $"INSERT INTO schema_info (version) VALUES ({Version})"));
                return;
            case long number when number == Version:
                return;
            case 1L:
                // Same tables, so the upgrade is the number alone; after it, an older MicroAgi refuses the
                // file by its version instead of failing on a Reset change it cannot read.
                Execute(connection, string.Create(CultureInfo.InvariantCulture, $"UPDATE schema_info SET version = {Version} WHERE version = 1"));
                return;
            case long number:
                throw new RegistryStoreException(string.Create(CultureInfo.InvariantCulture,
                    $"registry database '{path}' has schema version {number}, this MicroAgi understands {Version}; use a matching MicroAgi or another --state-dir"));
            default:
                throw StoredRows.Damaged(path, "schema_info", "1", $"version is {StoredRows.Show(found)}, not a schema version number");
        }
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
