using MicroAgi.Registry;
using MicroAgi.Registry.Postgres;
using MicroAgi.Registry.Storage;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Where the registry's versions live: <c>postgres://…</c> (a registry shared across machines) or
/// <c>sqlite:PATH</c> (a file; a bare path means the same). Chosen by MICROAGI_REGISTRY_URL, else
/// <c>registry.store</c> in microagi.yaml, else the state directory's <c>registry.db</c>.
/// </summary>
internal sealed record StoreLocation(string Text, bool IsPostgres)
{
    public const string EnvironmentVariable = "MICROAGI_REGISTRY_URL";

    /// <summary>The SQLite file, for a SQLite location.</summary>
    public string FilePath => Text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? Text["sqlite:".Length..] : Text;

    /// <param name="configured">registry.store from the configuration the command read; null to read the state directory's microagi.yaml.</param>
    public static StoreLocation Resolve(HostSettings settings, string? configured = null)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            if (Problem(EnvironmentVariable, fromEnvironment) is { } problem) throw new ConfigException(problem);
            return Parse(fromEnvironment);
        }
        configured ??= File.Exists(Path.Combine(settings.StateDirectory, MicroAgiConfig.FileName))
            ? MicroAgiConfig.For(settings, explicitFile: null).Registry.Store
            : null;
        return configured is null ? new StoreLocation(StateDirectory.RegistryDatabase(settings.StateDirectory), IsPostgres: false) : Parse(configured);
    }

    /// <summary>A location given on the command line (registry migrate).</summary>
    public static StoreLocation Parse(string text) => new(text, PostgresUrl.IsPostgres(text));

    /// <returns>What is wrong with <paramref name="text"/> as a store location; null when it can be used.</returns>
    public static string? Problem(string key, string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return $"{key} is empty; write postgres://user:password@host:5432/database or sqlite:PATH";
        if (PostgresUrl.IsPostgres(text))
        {
            try
            {
                PostgresUrl.ToConnectionString(text);
                return null;
            }
            catch (ArgumentException ex)
            {
                return $"{key}: {ex.Message}";
            }
        }
        return text.Contains("://", StringComparison.Ordinal)
            ? $"{key} '{text.Split("://")[0]}://…' is not a store MicroAgi knows; write postgres://user:password@host:5432/database or sqlite:PATH"
            : null;
    }

    public async Task<IRegistryStore> OpenAsync(CancellationToken cancellationToken) => IsPostgres
        ? await PostgresRegistryStore.OpenAsync(Text, cancellationToken).ConfigureAwait(false)
        : SqliteRegistryStore.Open(FilePath);
}
