using System.Globalization;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using MicroAgi.Cli.Hosting;
using MicroAgi.Registry;
using MicroAgi.Registry.Storage;

namespace MicroAgi.Benchmarks;

/// <summary>
/// Issue 2's figures with 10,000 entries in the store: a one-entry changeset applied and persisted
/// (target &lt; 2 ms median), a find by kind and a meta field (&lt; 1 ms).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class RegistryBenchmarks
{
    private const int StoredEntries = 10_000;

    private string _directory = "";
    private EntryRegistry _registry = null!;
    private int _counter;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "microagi-bench-" + Guid.NewGuid().ToString("N"));
        _registry = RegistryFixture.OpenWithEntries(Path.Combine(_directory, "registry.db"), StoredEntries);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _registry.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "apply+persist a one-entry changeset (10k stored)")]
    public RegistryVersion ApplyOneEntry()
    {
        var id = new EntryId("app.bench", string.Create(CultureInfo.InvariantCulture, $"applied_{_counter++}"));
        return _registry.ApplyAsync(new ChangeSet().Create(RegistryFixture.Tool(id, _counter))).GetAwaiter().GetResult();
    }

    [Benchmark(Description = "find by kind + meta field (10k stored)")]
    public int FindByKindAndMeta() =>
        _registry.Find(new EntryQuery { Kind = "function.lua" }.WithMeta("group", "g42")).Count;

    /// <summary>The first find after a change rebuilds the snapshot's read indexes: the worst case.</summary>
    [Benchmark(Description = "apply one entry, then the first find on the new version")]
    public int ApplyThenFirstFind()
    {
        ApplyOneEntry();
        return FindByKindAndMeta();
    }
}

/// <summary>
/// Start-up as the command line does it (<see cref="RegistryHost.OpenAsync"/>): the built-in app parsed
/// from the YAML embedded in the binary and validated, the SQLite store opened and its 10,000
/// persisted entries laid over the app (target &lt; 300 ms).
/// </summary>
[MedianColumn]
public class RegistryStartupBenchmarks
{
    private HostSettings _settings = null!;

    [GlobalSetup]
    public void Setup()
    {
        var directory = Path.Combine(Path.GetTempPath(), "microagi-bench-" + Guid.NewGuid().ToString("N"));
        _settings = new HostSettings(directory, AppDirectory: null, Ephemeral: false);
        RegistryFixture.OpenWithEntries(StateDirectory.RegistryDatabase(directory), 10_000).DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_settings.StateDirectory, recursive: true);

    [Benchmark(Description = "start-up: built-in app + 10k persisted entries")]
    public long Open()
    {
        var registry = RegistryHost.OpenAsync(_settings, CancellationToken.None).GetAwaiter().GetResult();
        var version = registry.Version;
        registry.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return version;
    }

    /// <summary>The app's share of start-up: parsing and validating the embedded YAML alone.</summary>
    [Benchmark(Description = "load the built-in app (YAML + validation)")]
    public int LoadBuiltInApp() => RegistryHost.LoadBaseEntries(_settings).Count;
}

internal static class RegistryFixture
{
    public static Entry Tool(EntryId id, int i) => Entry.Create(id, i % 2 == 0 ? "function.lua" : "registry.entry",
        new JsonObject
        {
            ["type"] = "tool",
            ["group"] = "g" + (i % 100).ToString(CultureInfo.InvariantCulture),
            ["llm_description"] = "A generated tool number " + i.ToString(CultureInfo.InvariantCulture),
            ["input_schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
        },
        new JsonObject { ["source"] = "local function handler(input) return { ok = true } end\nreturn { handler = handler }", ["method"] = "handler" });

    /// <summary>A registry whose store holds <paramref name="count"/> entries, written in batches of 1,000.</summary>
    public static EntryRegistry OpenWithEntries(string database, int count)
    {
        var registry = EntryRegistry.OpenAsync(SqliteRegistryStore.Open(database), []).GetAwaiter().GetResult();
        for (var start = 0; start < count; start += 1000)
        {
            var batch = new ChangeSet();
            for (var i = start; i < Math.Min(count, start + 1000); i++)
            {
                batch.Create(Tool(new EntryId("app.generated", string.Create(CultureInfo.InvariantCulture, $"tool_{i}")), i));
            }
            registry.ApplyAsync(batch).GetAwaiter().GetResult();
        }
        return registry;
    }
}
