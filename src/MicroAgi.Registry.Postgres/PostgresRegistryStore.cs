using System.Data;
using System.Data.Common;
using System.Globalization;
using MicroAgi.Registry.Storage;
using Npgsql;

namespace MicroAgi.Registry.Postgres;

/// <summary>
/// A registry shared by every machine that reaches one PostgreSQL database. Writers take the
/// <c>versions</c> table's EXCLUSIVE lock for the transaction that stores a version (readers are not
/// blocked), so versions are numbered without gaps or duplicates and two machines creating one id end
/// with one create and one "already exists". Each stored version is announced with
/// <c>NOTIFY microagi_registry, '&lt;number&gt;'</c> when it commits.
/// </summary>
public sealed class PostgresRegistryStore : SqlRegistryStore
{
    /// <summary>The channel every stored version is announced on; the payload is the version number.</summary>
    public const string Channel = "microagi_registry";

    private readonly string _connectionString;
    private readonly SemaphoreSlim _listenerGate = new(1, 1);
    private PostgresVersionListener? _listener;

    private PostgresRegistryStore(NpgsqlConnection connection, string connectionString)
        : base(connection, PostgresUrl.Describe(connectionString))
    {
        _connectionString = connectionString;
    }

    /// <summary>Connects to the registry at <paramref name="location"/> (a postgres:// URL or a connection string), creating its tables in an empty database.</summary>
    public static async Task<PostgresRegistryStore> OpenAsync(string location, CancellationToken cancellationToken = default)
    {
        string connectionString;
        try
        {
            connectionString = PostgresUrl.ToConnectionString(location);
        }
        catch (ArgumentException ex)
        {
            throw new RegistryStoreException($"registry.store: {ex.Message}", ex);
        }
        var name = PostgresUrl.Describe(connectionString);
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            PostgresSchema.Prepare(connection, name);
            return new PostgresRegistryStore(connection, connectionString);
        }
        catch (NpgsqlException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw ExplainError(ex, name, "open");
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A listener for versions stored by any process, on its own connection.</summary>
    public Task<PostgresVersionListener> ListenAsync(CancellationToken cancellationToken = default) =>
        PostgresVersionListener.StartAsync(_connectionString, Name, cancellationToken);

    /// <summary>Waits for a notification, on one listener kept for the store's lifetime (one waiter at a time).</summary>
    public override async Task WaitForVersionAfterAsync(long version, CancellationToken cancellationToken = default)
    {
        await _listenerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _listener ??= await ListenAsync(cancellationToken).ConfigureAwait(false);
            // Listening first, then looking: a version stored in between is seen one way or the other.
            if (await ReadLatestVersionAsync(cancellationToken).ConfigureAwait(false) > version) return;
            await _listener.WaitForVersionAfterAsync(version, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _listenerGate.Release();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_listener is not null) await _listener.DisposeAsync().ConfigureAwait(false);
        _listenerGate.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override string DamagedAdvice => "restore the database from a backup (pg_dump) or point registry.store at another database";

    protected override DbTransaction BeginWrite(DbConnection connection)
    {
        var transaction = ((NpgsqlConnection)connection).BeginTransaction(IsolationLevel.ReadCommitted);
        using var command = new NpgsqlCommand("LOCK TABLE versions IN EXCLUSIVE MODE", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.ExecuteNonQuery();
        return transaction;
    }

    protected override DbTransaction BeginRead(DbConnection connection) => ((NpgsqlConnection)connection).BeginTransaction(IsolationLevel.RepeatableRead);

    protected override void OnWritten(DbConnection connection, DbTransaction transaction, RegistryVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @version)", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("channel", Channel);
        command.Parameters.AddWithValue("version", version.Number.ToString(CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    protected override object AppliedAtValue(DateTimeOffset appliedAt) => appliedAt.ToUniversalTime();

    protected override bool IsDuplicateVersion(DbException exception) => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    protected override RegistryStoreException Explain(DbException exception, string what) =>
        exception is NpgsqlException npgsql ? ExplainError(npgsql, Name, what) : new RegistryStoreException($"cannot {what} PostgreSQL registry {Name}: {exception.Message}", exception);

    internal static RegistryStoreException ExplainError(NpgsqlException ex, string name, string what) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } => new(
            $"PostgreSQL refused the login to registry {name} ({ex.Message}); check the user and password in registry.store or MICROAGI_REGISTRY_URL", ex),
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => new(
            $"PostgreSQL registry {name}: the database does not exist; create it (createdb) or name another one in registry.store", ex),
        PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } => new(
            $"cannot {what} PostgreSQL registry {name}: permission denied ({ex.Message}); grant the user rights on the registry's tables", ex),
        PostgresException postgres => new($"cannot {what} PostgreSQL registry {name}: {postgres.MessageText} (SQLSTATE {postgres.SqlState})", ex),
        _ => new($"cannot reach PostgreSQL registry {name}: {ex.Message}; check that the server is running and registry.store or MICROAGI_REGISTRY_URL", ex),
    };
}
