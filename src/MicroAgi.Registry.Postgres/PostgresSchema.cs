using System.Globalization;
using Npgsql;

namespace MicroAgi.Registry.Postgres;

/// <summary>
/// Creates the registry's tables in an empty database (or schema) and checks the schema version of
/// one that has them. Several processes starting at once create them once: the check runs under a
/// transaction-scoped advisory lock.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>1: the tables below (the same as SQLite's schema 3).</summary>
    public const int Version = 1;

    /// <summary>Any number, the same in every MicroAgi: the advisory lock that serialises schema set-up.</summary>
    private const long SetupLock = 0x4D41_5245_4749;

    private static readonly string[] Tables = ["changes", "entries", "entry_meta", "versions"];

    // COLLATE "C": ids, namespaces and kinds compare by code point, as everywhere else in MicroAgi (and
    // the kind-prefix ranges of finds rely on it), whatever the database's own collation.
    private const string CreateTables = """
        CREATE TABLE schema_info (version BIGINT NOT NULL);
        CREATE TABLE versions (
            number BIGINT PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL,
            description TEXT,
            author_user TEXT, author_agent TEXT, author_session TEXT, author_machine TEXT);
        CREATE TABLE changes (
            version BIGINT NOT NULL REFERENCES versions(number),
            seq BIGINT NOT NULL,
            op TEXT NOT NULL,
            id TEXT COLLATE "C" NOT NULL,
            before TEXT,
            after TEXT,
            PRIMARY KEY (version, seq));
        CREATE INDEX changes_by_id ON changes (id, version);
        CREATE TABLE entries (
            id TEXT COLLATE "C" PRIMARY KEY,
            state TEXT,
            version BIGINT NOT NULL,
            ns TEXT COLLATE "C", name TEXT COLLATE "C", kind TEXT COLLATE "C");
        CREATE INDEX entries_by_ns ON entries (ns, name);
        CREATE INDEX entries_by_kind ON entries (kind);
        CREATE TABLE entry_meta (
            id TEXT COLLATE "C" NOT NULL,
            meta_path TEXT COLLATE "C" NOT NULL,
            meta_value TEXT COLLATE "C" NOT NULL);
        CREATE INDEX entry_meta_by_value ON entry_meta (meta_path, meta_value, id);
        CREATE INDEX entry_meta_by_id ON entry_meta (id);
        """ + NameIndex;

    /// <summary>
    /// Finds by name alone (create_tool's check that no other tool has the name). Added after version 3 without a
    /// new schema version: an index changes no row, so a MicroAgi without it reads and writes the database as before.
    /// </summary>
    private const string NameIndex = "\nCREATE INDEX IF NOT EXISTS entries_by_name ON entries (name);";

    public static void Prepare(NpgsqlConnection connection, string name)
    {
        using var transaction = connection.BeginTransaction();
        Execute(connection, string.Create(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({SetupLock})"));
        var found = Scalar(connection, "SELECT to_regclass('schema_info') IS NOT NULL") is true;
        if (!found)
        {
            var ours = Tables.Where(table => Scalar(connection, $"SELECT to_regclass('{table}') IS NOT NULL") is true).ToList();
            if (ours.Count > 0)
            {
                throw new RegistryStoreException(
                    $"PostgreSQL registry {name} is not a MicroAgi registry: it has tables named {string.Join(", ", ours)} but no schema_info; " +
                    "they were left untouched: use another database, or another schema (postgres://…?schema=microagi)");
            }
            Execute(connection, CreateTables);
            Execute(connection, string.Create(CultureInfo.InvariantCulture, $"INSERT INTO schema_info (version) VALUES ({Version})"));
            transaction.Commit();
            return;
        }
        switch (Scalar(connection, "SELECT version FROM schema_info"))
        {
            case long number when number == Version:
                // Asked first: a user who may only read and write rows cannot create an index, and needs not.
                if (Scalar(connection, "SELECT to_regclass('entries_by_name') IS NULL") is true) Execute(connection, NameIndex);
                transaction.Commit();
                return;
            case long number when number > Version:
                throw new RegistryStoreException(string.Create(CultureInfo.InvariantCulture,
                    $"PostgreSQL registry {name} has schema version {number}, this MicroAgi understands {Version}; use a matching MicroAgi"));
            case var other:
                throw new RegistryStoreException(
                    $"PostgreSQL registry {name} is damaged: schema_info holds {other ?? "no row"}, not a schema version; restore it from a backup (pg_dump)");
        }
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }
}
