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

/// <summary>
/// Issue 15's figures: what commands and sessions cost at 1,000, 10,000 and 100,000 stored entries
/// (target: show and a one-entry apply at 100k within 1.5× of 1k; history's first page and a
/// session's start-up reads independent of the number of entries).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class RegistryScaleBenchmarks
{
    private HostSettings _settings = null!;
    private EntryRegistry _registry = null!;
    private int _counter;

    [Params(1_000, 10_000, 100_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var directory = Path.Combine(Path.GetTempPath(), "microagi-bench-" + Guid.NewGuid().ToString("N"));
        _settings = new HostSettings(directory, AppDirectory: null, Ephemeral: false);
        RegistryFixture.OpenWithEntries(StateDirectory.RegistryDatabase(directory), Entries).DisposeAsync().AsTask().GetAwaiter().GetResult();
        _registry = RegistryHost.OpenAsync(_settings, CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _registry.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_settings.StateDirectory, recursive: true);
    }

    [Benchmark(Description = "registry show: open as the CLI does, read one stored entry")]
    public string? Show()
    {
        var registry = RegistryHost.OpenForReadingAsync(_settings, CancellationToken.None).GetAwaiter().GetResult();
        var entry = registry.Get(new EntryId("app.generated", "tool_" + (Entries / 2).ToString(CultureInfo.InvariantCulture)));
        registry.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return entry?.Kind;
    }

    [Benchmark(Description = "apply+persist a one-entry changeset")]
    public long ApplyOneEntry()
    {
        var id = new EntryId("app.bench", string.Create(CultureInfo.InvariantCulture, $"applied_{_counter++}"));
        return _registry.ApplyAsync(new ChangeSet().Create(RegistryFixture.Tool(id, _counter))).GetAwaiter().GetResult().Number;
    }

    [Benchmark(Description = "registry history: open, read the first page (50 versions)")]
    public int HistoryFirstPage()
    {
        var registry = RegistryHost.OpenForReadingAsync(_settings, CancellationToken.None).GetAwaiter().GetResult();
        var page = registry.HistoryPageAsync(new HistoryQuery(50) { Summary = true }).GetAwaiter().GetResult();
        registry.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return page.Count;
    }

    /// <summary>What a session reads before its first turn: the agent, the policies, the models, the agent's tools.</summary>
    [Benchmark(Description = "session start-up: open + agent, policies, models, tools")]
    public int SessionStartupReads()
    {
        var registry = RegistryHost.OpenAsync(_settings, CancellationToken.None).GetAwaiter().GetResult();
        var found = registry.Get(EntryId.Parse("app:dev_assistant")) is null ? 0 : 1;
        found += registry.Find(EntryQuery.ByKind("security.policy")).Count;
        found += registry.Find(EntryQuery.ByKind("registry.entry").WithMeta("type", "llm.model")).Count;
        found += registry.Find(EntryQuery.ByNamespace("app.tools").WithMeta("type", "tool")).Count;
        registry.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return found;
    }
}
