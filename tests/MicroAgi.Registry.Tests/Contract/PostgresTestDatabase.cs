using Npgsql;

namespace MicroAgi.Registry.Tests.Contract;

/// <summary>
/// The PostgreSQL server the tests use: <c>MICROAGI_TEST_POSTGRES</c> holds its connection string
/// (<c>.ci/postgres-up</c> starts a throwaway cluster and prints one). Each test gets a schema of its own.
/// </summary>
internal static class PostgresTestDatabase
{
    public const string EnvironmentVariable = "MICROAGI_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value : null;

    public static string? MissingReason => ConnectionString is null
        ? $"PostgreSQL is not available: set {EnvironmentVariable} to a connection string (export {EnvironmentVariable}=\"$(.ci/postgres-up)\" starts a throwaway cluster; .ci/run does it)"
        : null;

    /// <summary>A new, empty schema; the connection string that works in it.</summary>
    public static string NewSchema()
    {
        var server = ConnectionString ?? throw new InvalidOperationException(MissingReason);
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            command.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
    }
}
