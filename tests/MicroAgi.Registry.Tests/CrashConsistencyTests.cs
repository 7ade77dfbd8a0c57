using System.Diagnostics;
using Microsoft.Data.Sqlite;
using MicroAgi.Registry.Storage;

namespace MicroAgi.Registry.Tests;

/// <summary>
/// Kills a child process while it applies large changesets, then checks that the database holds
/// only whole versions: for every stored version all of its entries, and nothing of a later one.
/// </summary>
public class CrashConsistencyTests
{
    private const int EntriesPerVersion = 40;

    [Fact]
    public async Task A_process_killed_mid_apply_leaves_the_store_at_a_whole_version()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "registry.db");
        var random = new Random(20261122);
        long lastVersion = 0;

        for (var round = 0; round < 4; round++)
        {
            using var child = StartWriter(db);
            Assert.Equal("ready", await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));
            await Task.Delay(150 + random.Next(400));
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            lastVersion = await AssertOnlyWholeVersions(db, lastVersion);
        }
        Assert.True(lastVersion > 0, "the writer never got a version stored; the test proved nothing");
    }

    private static Process StartWriter(string db)
    {
        var writer = Path.Combine(AppContext.BaseDirectory, "MicroAgi.Registry.CrashWriter.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(writer);
        info.ArgumentList.Add(db);
        info.ArgumentList.Add(EntriesPerVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the crash writer");
    }

    private static async Task<long> AssertOnlyWholeVersions(string db, long previous)
    {
        using (var check = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            check.Open();
            using var command = check.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string)command.ExecuteScalar()!);
        }

        await using var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(db), []);
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
