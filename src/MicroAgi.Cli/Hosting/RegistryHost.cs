using MicroAgi.Registry;
using MicroAgi.Registry.Loading;
using MicroAgi.Registry.Storage;
using MicroAgi.Security;

namespace MicroAgi.Cli.Hosting;

/// <summary>Opens the registry the way the command line asked: built-in app, user app, store.</summary>
internal static class RegistryHost
{
    /// <summary>The built-in app, embedded in this assembly under the resource prefix <c>app/</c>.</summary>
    public static IAppFiles BuiltInApp { get; } = new EmbeddedAppFiles(typeof(RegistryHost).Assembly, "app/");

    /// <summary>Content checks every write goes through, whoever makes it (CLI, agent, rollback).</summary>
    private static readonly IReadOnlyList<IEntryValidator> Validators = [new PolicyEntryValidator()];

    /// <summary>The app layers, checked by the same validators as every write, so a bad entry is named with its file and line.</summary>
    public static IReadOnlyList<Entry> LoadBaseEntries(HostSettings settings) =>
        settings.AppDirectory is null
            ? AppLoader.Load(Validators, BuiltInApp)
            : AppLoader.Load(Validators, BuiltInApp, new DirectoryAppFiles(settings.AppDirectory));

    /// <param name="configuredStore">registry.store from the configuration the command read, if it read one.</param>
    public static async Task<EntryRegistry> OpenAsync(HostSettings settings, CancellationToken cancellationToken, string? configuredStore = null)
    {
        var baseEntries = LoadBaseEntries(settings);
        if (settings.Ephemeral) return EntryRegistry.CreateInMemory(baseEntries, Validators);
        var location = StoreLocation.Resolve(settings, configuredStore);
        var store = location.IsPostgres
            ? await location.OpenAsync(cancellationToken).ConfigureAwait(false)
            : OpenStore(settings.StateDirectory, location.FilePath);
        try
        {
            return await EntryRegistry.OpenAsync(store, baseEntries, Validators, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// For commands that only read: with no registry database yet there is nothing stored to read, so
    /// the app alone answers and neither the state directory nor the database is created. A state
    /// directory that is a file is still reported, as for any command.
    /// </summary>
    public static Task<EntryRegistry> OpenForReadingAsync(HostSettings settings, CancellationToken cancellationToken)
    {
        var location = settings.Ephemeral ? null : StoreLocation.Resolve(settings);
        var nothingStored = location is { IsPostgres: false } && !File.Exists(location.FilePath) && !File.Exists(settings.StateDirectory);
        return nothingStored && !settings.Ephemeral
            ? Task.FromResult(EntryRegistry.CreateInMemory(LoadBaseEntries(settings), Validators))
            : OpenAsync(settings, cancellationToken);
    }

    private static SqliteRegistryStore OpenStore(string stateDirectory, string path)
    {
        try
        {
            return SqliteRegistryStore.Open(path);
        }
        catch (IOException ex)
        {
            // The bare message ("file ... already exists") does not say which setting to change.
            throw new RegistryStoreException(
                $"cannot use state directory '{stateDirectory}': {ex.Message} Pass --state-dir (or set {StateDirectory.EnvironmentVariable}) to a directory.", ex);
        }
    }
}
