using System.Globalization;
using Npgsql;

namespace MicroAgi.Registry.Postgres;

/// <summary>
/// Listens on <see cref="PostgresRegistryStore.Channel"/> with a connection of its own and tells the
/// highest version announced so far. Notifications reach every listening session on every machine as
/// soon as the storing transaction commits.
/// </summary>
public sealed class PostgresVersionListener : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private long _announced;

    private PostgresVersionListener(NpgsqlConnection connection)
    {
        _connection = connection;
        _connection.Notification += (_, e) =>
        {
            if (long.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                // Notifications may come in any order between writers: keep the highest.
                long seen;
                do seen = Interlocked.Read(ref _announced);
                while (number > seen && Interlocked.CompareExchange(ref _announced, number, seen) != seen);
            }
        };
    }

    /// <summary>The highest version announced since the listener started (0 before any).</summary>
    public long Announced => Interlocked.Read(ref _announced);

    internal static async Task<PostgresVersionListener> StartAsync(string connectionString, string name, CancellationToken cancellationToken)
    {
        // Its own connection, outside any pool: LISTEN belongs to a session, and waiting blocks the connection.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 30 };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var listener = new PostgresVersionListener(connection);
            await using var command = new NpgsqlCommand($"LISTEN {PostgresRegistryStore.Channel}", connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return listener;
        }
        catch (NpgsqlException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw PostgresRegistryStore.ExplainError(ex, name, "listen to");
        }
    }

    /// <summary>Returns when a version above <paramref name="version"/> has been announced.</summary>
    public async Task WaitForVersionAfterAsync(long version, CancellationToken cancellationToken = default)
    {
        while (Announced <= version)
        {
            await _connection.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
