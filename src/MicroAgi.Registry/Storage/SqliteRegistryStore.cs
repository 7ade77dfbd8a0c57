using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace MicroAgi.Registry.Storage;

/// <summary>
/// Durable store in one SQLite file (WAL mode). Each version is written in a single transaction —
/// its row, its changes and the affected entries' new state — so a process killed mid-apply leaves
/// the file at the previous version or the next one, never between; and a version is synced to disk
/// before it is reported applied (<c>synchronous = FULL</c>), so it survives a power loss too.
/// </summary>
public sealed class SqliteRegistryStore : SqlRegistryStore
{
    private SqliteRegistryStore(SqliteConnection connection, string path) : base(connection, path)
    {
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
            throw ExplainError(ex, path, "open");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    protected override string DamagedAdvice => StoredRows.FileAdvice;

    // BEGIN IMMEDIATE takes the write lock up front, so the version check and the write are one step.
    protected override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    protected override DbTransaction BeginRead(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    protected override bool IsDuplicateVersion(DbException exception) => false;

    protected override RegistryStoreException Explain(DbException exception, string what) =>
        exception is SqliteException sqlite ? ExplainError(sqlite, Name, what) : new RegistryStoreException($"cannot {what} registry database '{Name}': {exception.Message}", exception);

    private static RegistryStoreException ExplainError(SqliteException ex, string path, string what) => ex.SqliteErrorCode switch
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
