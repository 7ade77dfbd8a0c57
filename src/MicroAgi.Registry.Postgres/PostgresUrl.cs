using Npgsql;

namespace MicroAgi.Registry.Postgres;

/// <summary>
/// Reads where a PostgreSQL registry lives: a URL (<c>postgres://user:password@host:5432/db?sslmode=require&amp;schema=team</c>,
/// as libpq and most tools write it) or an Npgsql connection string (<c>Host=…;Database=…</c>).
/// </summary>
public static class PostgresUrl
{
    /// <summary>Whether <paramref name="location"/> names a PostgreSQL registry rather than a file.</summary>
    public static bool IsPostgres(string location) =>
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Npgsql connection string for a URL or connection string.</summary>
    /// <exception cref="ArgumentException">It cannot be read; the message says what is wrong, without the password.</exception>
    public static string ToConnectionString(string location)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        if (!IsPostgres(location)) return Checked(location, location);
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new ArgumentException($"'{Redacted(location)}' is not a PostgreSQL URL; write postgres://user:password@host:5432/database");
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port };
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) builder.Database = database;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            var keyword = key.ToLowerInvariant() switch
            {
                "sslmode" => "SSL Mode",
                "schema" or "search_path" => "Search Path",
                "application_name" => "Application Name",
                "connect_timeout" => "Timeout",
                _ => key,
            };
            try
            {
                builder[keyword] = value;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new ArgumentException($"PostgreSQL URL '{Redacted(location)}': option '{key}' cannot be used ({ex.Message}); the options: sslmode, schema, application_name, connect_timeout, or any Npgsql connection-string keyword", ex);
            }
        }
        return builder.ConnectionString;
    }

    /// <summary>How messages name the registry: server, port and database, never the password.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var schema = string.IsNullOrEmpty(builder.SearchPath) ? "" : $" (schema {builder.SearchPath})";
        return $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}{schema}";
    }

    private static string Checked(string connectionString, string shown)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString).ConnectionString;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"'{Redacted(shown)}' is neither a postgres:// URL nor a PostgreSQL connection string ({ex.Message})", ex);
        }
    }

    /// <summary>The location with any password replaced, for messages.</summary>
    private static string Redacted(string location)
    {
        var at = location.IndexOf('@', StringComparison.Ordinal);
        var scheme = location.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0 && at > scheme)
        {
            var colon = location.IndexOf(':', scheme + 3);
            if (colon >= 0 && colon < at) return string.Concat(location.AsSpan(0, colon + 1), "***", location.AsSpan(at));
        }
        return System.Text.RegularExpressions.Regex.Replace(location, "(?i)(password|pwd)=[^;]*", "$1=***");
    }
}
