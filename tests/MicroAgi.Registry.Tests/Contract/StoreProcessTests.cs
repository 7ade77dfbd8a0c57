using System.Diagnostics;
using MicroAgi.Registry.Postgres;
using MicroAgi.Registry.Storage;

namespace MicroAgi.Registry.Tests.Contract;

/// <summary>
/// One store shared by separate processes (the CrashWriter child): writers racing, a follower told of
/// versions another process stores, and writers killed with SIGKILL in the middle of an apply.
/// </summary>
public abstract class StoreProcessTests
{
    private const int EntriesPerVersion = 40;

    /// <summary>How a child process names the test's store (a file path or a connection string).</summary>
    protected abstract string Location { get; }

    protected abstract IRegistryStore OpenStore();

    /// <summary>How long a crash writer runs before it is killed: long enough to store a version on a busy machine, sometimes.</summary>
    protected virtual TimeSpan KillAfter(Random random) => TimeSpan.FromMilliseconds(150 + random.Next(400));

    /// <summary>Checks the store's own consistency after a writer was killed (SQLite: the file's integrity).</summary>
    protected virtual void AssertStoreIntact()
    {
    }

    [StoreFact]
    public async Task Writers_in_separate_processes_number_versions_without_gaps_and_lose_nothing()
    {
        const int Writers = 4, Versions = 10;
        await using (await EntryRegistry.OpenAsync(OpenStore(), [])) { }
        var children = Enumerable.Range(0, Writers).Select(w => Child.Start("--writer", Location, Versions.ToString(System.Globalization.CultureInfo.InvariantCulture), $"w{w}")).ToList();
        try
        {
            foreach (var child in children)
            {
                await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
                Assert.True(child.ExitCode == 0, $"a writer failed: {await child.StandardError.ReadToEndAsync()}");
            }
        }
        finally
        {
            foreach (var child in children) child.Dispose();
        }

        await using var registry = await EntryRegistry.OpenAsync(OpenStore(), []);
        var history = await registry.HistoryAsync();
        Assert.Equal(Enumerable.Range(1, Writers * Versions).Select(n => (long)n), history.Select(v => v.Number));
        Assert.Equal(Writers * Versions, registry.Find(EntryQuery.ByNamespace("app.multi")).Count);
    }

    [StoreFact]
    public async Task A_process_following_the_store_sees_a_version_another_process_stored()
    {
        await using var registry = await EntryRegistry.OpenAsync(OpenStore(), []);
        using var follower = Child.Start("--follow", Location);
        try
        {
            Assert.Equal("ready", await follower.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));
            await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:shared")));

            Assert.Equal("seen 1", await follower.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            follower.Kill(entireProcessTree: true);
        }
    }

    [StoreFact]
    public async Task A_process_killed_mid_apply_leaves_the_store_at_a_whole_version()
    {
        var random = new Random(20261204);
        long lastVersion = 0;
        for (var round = 0; round < 4; round++)
        {
            using var child = Child.Start(Location, EntriesPerVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("ready", await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));
            await Task.Delay(KillAfter(random));
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            AssertStoreIntact();
            lastVersion = await AssertOnlyWholeVersions(lastVersion);
        }
        Assert.True(lastVersion > 0, "the writer never got a version stored; the test proved nothing");
    }

    private async Task<long> AssertOnlyWholeVersions(long previous)
    {
        await using var registry = await EntryRegistry.OpenAsync(OpenStore(), []);
        var version = registry.Version;
        Assert.True(version >= previous, $"version went back from {previous} to {version}");
        var crashEntries = registry.Find(EntryQuery.ByNamespace("app.crash"));
        Assert.Equal(version * EntriesPerVersion, crashEntries.Count);
        var batches = crashEntries.GroupBy(e => e.Meta.GetProperty("batch").GetInt64()).ToList();
        Assert.All(batches, b => Assert.Equal(EntriesPerVersion, b.Count()));
        Assert.Equal(version, batches.Count == 0 ? 0 : batches.Max(b => b.Key));
        Assert.Equal(version, (await registry.HistoryAsync()).Count);
        return version;
    }
}

/// <summary>The registry test child process (tests/MicroAgi.Registry.CrashWriter).</summary>
internal static class Child
{
    public static Process Start(params string[] arguments)
    {
        var writer = Path.Combine(AppContext.BaseDirectory, "MicroAgi.Registry.CrashWriter.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(writer);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the registry test child process");
    }
}

public sealed class SqliteStoreProcessTests : StoreProcessTests, IDisposable
{
    private readonly TempDir _dir = new();

    protected override string Location => Path.Combine(_dir.Path, "registry.db");

    protected override IRegistryStore OpenStore() => SqliteRegistryStore.Open(Location);

    protected override void AssertStoreIntact()
    {
        using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Location};Pooling=False");
        check.Open();
        using var command = check.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", (string)command.ExecuteScalar()!);
    }

    public void Dispose() => _dir.Dispose();
}

[RequiresPostgres]
public sealed class PostgresStoreProcessTests : StoreProcessTests
{
    private readonly Lazy<string> _schema = new(PostgresTestDatabase.NewSchema);

    protected override string Location => _schema.Value;

    protected override IRegistryStore OpenStore() => PostgresRegistryStore.OpenAsync(Location).GetAwaiter().GetResult();

    // A version of 40 entries is some 200 statements over the network: it takes longer than one SQLite transaction.
    protected override TimeSpan KillAfter(Random random) => TimeSpan.FromMilliseconds(800 + random.Next(1500));
}
