using System.Text.Json.Nodes;
using MicroAgi.Registry.Postgres;
using MicroAgi.Registry.Storage;

namespace MicroAgi.Registry.Tests.Contract;

/// <summary>
/// What every durable store must do, run against each of them (SQLite, PostgreSQL): the same
/// registry behaviour over the same reads by id, namespace, kind and meta, versions and history.
/// Each registry a test opens has its own store (connection), as separate processes would.
/// </summary>
public abstract class RegistryStoreContract
{
    private static readonly Entry[] App = [TestEntries.Tool("app.tools:doc_search"), TestEntries.Plain("app:dev_assistant", "agent.gen1")];

    /// <summary>A new store on the test's one registry (the same database every call).</summary>
    protected abstract IRegistryStore OpenStore();

    private Task<EntryRegistry> OpenAsync(VersionAuthor? author = null) => OpenAsync(OpenStore(), author);

    private static async Task<EntryRegistry> OpenAsync(IRegistryStore store, VersionAuthor? author = null)
    {
        var registry = await EntryRegistry.OpenAsync(store, App);
        if (author is not null) registry.Author = author;
        return registry;
    }

    [StoreFact]
    public async Task Finds_by_namespace_kind_and_meta_go_through_the_store_and_overlay_the_app()
    {
        await using var registry = await OpenAsync();
        await registry.ApplyAsync(new ChangeSet()
            .Create(TestEntries.Plain("app.generated:a", "function.lua", new JsonObject { ["type"] = "tool", ["tags"] = new JsonArray("x", "y"), ["pricing"] = new JsonObject { ["input"] = 2.5 } }))
            .Create(TestEntries.Plain("app.generated:b", "function.native", new JsonObject { ["type"] = "tool", ["n"] = 7 }))
            .Create(TestEntries.Plain("app.other:c", "registry.entry", new JsonObject { ["type"] = "llm.model" }))
            .Update(TestEntries.Tool("app.tools:doc_search", "changed"))
            .Delete(EntryId.Parse("app:dev_assistant")));

        await using var reader = await OpenAsync();
        Assert.Equal(["app.generated:a", "app.generated:b"], Ids(reader.Find(EntryQuery.ByNamespace("app.generated"))));
        Assert.Equal(["app.generated:a", "app.generated:b", "app.tools:doc_search"], Ids(reader.Find(EntryQuery.ByKind("function.*"))));
        Assert.Equal(["app.generated:a"], Ids(reader.Find(EntryQuery.ByMeta("tags", "y"))));
        Assert.Equal(["app.generated:a"], Ids(reader.Find(EntryQuery.ByMeta("pricing.input", "2.5"))));
        Assert.Equal(["app.generated:b"], Ids(reader.Find(EntryQuery.ByMeta("n", "7"))));
        Assert.Equal(["app.generated:a", "app.generated:b", "app.tools:doc_search"], Ids(reader.Find(EntryQuery.ByMeta("type", "tool"))));
        Assert.Equal(["app.other:c"], Ids(reader.Find(EntryQuery.ByMeta("type", "llm", MetaMatch.Prefix))));
        Assert.Equal("changed", Assert.Single(reader.Find(new EntryQuery { Namespace = "app.tools", Name = "doc_search" })).MetaString("comment"));
        Assert.Null(reader.Get(EntryId.Parse("app:dev_assistant")));
        Assert.Empty(reader.Find(EntryQuery.ByKind("agent.gen1")));
        Assert.Equal(4, reader.Find(EntryQuery.All).Count);
    }

    [StoreFact]
    public async Task A_snapshot_reads_the_store_as_of_its_version_until_it_refreshes()
    {
        await using var writer = await OpenAsync();
        await using var other = await OpenAsync();
        await writer.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:late")));
        await writer.ApplyAsync(new ChangeSet().Delete(EntryId.Parse("app.tools:doc_search")));

        Assert.Equal(0, other.Version);
        Assert.Null(other.Get(EntryId.Parse("app.generated:late")));
        Assert.Empty(other.Find(EntryQuery.ByNamespace("app.generated")));
        Assert.Equal(2, await other.ReadStoredVersionAsync());

        await other.RefreshAsync();
        Assert.NotNull(other.Get(EntryId.Parse("app.generated:late")));
        Assert.Null(other.Get(EntryId.Parse("app.tools:doc_search")));
    }

    [StoreFact]
    public async Task History_is_read_a_page_at_a_time_newest_first_and_by_author()
    {
        await using var alice = await OpenAsync(new VersionAuthor("alice", Machine: "m1"));
        await using var bob = await OpenAsync(new VersionAuthor("bob", Machine: "m2"));
        for (var i = 1; i <= 6; i++)
        {
            var writer = i % 2 == 1 ? alice : bob;
            await writer.RefreshAsync();
            var changes = new ChangeSet($"v{i}").Create(TestEntries.Tool($"app.generated:t{i}"));
            if (i == 6) changes.By(new VersionAuthor(null, Agent: "app:coder", Session: "s-6"));
            await writer.ApplyAsync(changes);
        }

        var first = await alice.HistoryPageAsync(new HistoryQuery(Limit: 2));
        Assert.Equal([6L, 5L], first.Select(v => v.Number));
        Assert.Equal("create", first[0].Changes.Single().Kind.ToString().ToLowerInvariant());
        var next = await alice.HistoryPageAsync(new HistoryQuery(Limit: 2, Before: 5));
        Assert.Equal([4L, 3L], next.Select(v => v.Number));
        Assert.Equal([5L, 3L, 1L], (await bob.HistoryPageAsync(new HistoryQuery(Author: "alice"))).Select(v => v.Number));
        var byAgent = Assert.Single(await bob.HistoryPageAsync(new HistoryQuery(Author: "app:coder")));
        Assert.Equal(new VersionAuthor("bob", "app:coder", "s-6", "m2"), byAgent.Author);
        Assert.Equal("v4", (await alice.ReadVersionAsync(4))!.Description);
        Assert.Null(await alice.ReadVersionAsync(7));
    }

    [StoreFact]
    public async Task A_history_summary_reads_the_first_changes_of_a_large_version_and_counts_the_rest()
    {
        await using var registry = await OpenAsync();
        var changes = new ChangeSet("seven");
        for (var i = 0; i < 7; i++) changes.Create(TestEntries.Tool($"app.generated:s{i}"));
        await registry.ApplyAsync(changes);

        var summary = Assert.Single(await registry.HistoryPageAsync(new HistoryQuery { Summary = true }));
        Assert.Equal(7, summary.ChangeCount);
        Assert.Equal(["app.generated:s0", "app.generated:s1", "app.generated:s2", "app.generated:s3", "app.generated:s4"], summary.Changes.Select(c => c.Id.ToString()));
        Assert.All(summary.Changes, c => Assert.Null(c.After));
        var whole = Assert.Single(await registry.HistoryPageAsync(new HistoryQuery()));
        Assert.Equal(7, whole.Changes.Count);
        Assert.NotNull(whole.Changes[6].After);
    }

    [StoreFact]
    public async Task Rollback_restores_stored_entries_and_resets_app_ones()
    {
        await using var registry = await OpenAsync();
        await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:clock", "good")));
        await registry.ApplyAsync(new ChangeSet().Update(TestEntries.Tool("app.generated:clock", "bad")).Update(TestEntries.Tool("app.tools:doc_search", "edited")));
        await registry.RollbackAsync(1);

        await using var reopened = await OpenAsync();
        Assert.Equal(3, reopened.Version);
        Assert.Equal("good", reopened.Get(EntryId.Parse("app.generated:clock"))!.MetaString("comment"));
        Assert.Equal("a tool", reopened.Get(EntryId.Parse("app.tools:doc_search"))!.MetaString("comment"));
        var rollback = (await reopened.ReadVersionAsync(3))!;
        Assert.Contains(rollback.Changes, c => c.Kind == ChangeKind.Reset && c.Id.ToString() == "app.tools:doc_search");

        await reopened.RollbackAsync(0);
        Assert.Null(reopened.Get(EntryId.Parse("app.generated:clock")));
    }

    [StoreFact]
    public async Task Concurrent_writers_number_versions_without_gaps_or_duplicates_and_lose_nothing()
    {
        const int Writers = 6, PerWriter = 8;
        await using (await OpenAsync()) { }
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            await using var registry = await OpenAsync();
            for (var i = 0; i < PerWriter; i++) await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool($"app.generated:w{w}_{i}")));
        })));

        await using var check = await OpenAsync();
        var history = await check.HistoryAsync();
        Assert.Equal(Enumerable.Range(1, Writers * PerWriter).Select(n => (long)n), history.Select(v => v.Number));
        Assert.Equal(Writers * PerWriter, check.Find(EntryQuery.ByNamespace("app.generated")).Count);
    }

    [StoreFact]
    public async Task Writers_racing_to_create_one_id_store_exactly_one_create()
    {
        const int Writers = 6, Rounds = 8;
        await using (await OpenAsync()) { }
        for (var round = 0; round < Rounds; round++)
        {
            using var start = new Barrier(Writers);
            var id = $"app.generated:race{round}";
            var outcomes = await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                await using var registry = await OpenAsync();
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                try
                {
                    await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool(id)));
                    return true;
                }
                catch (ChangeSetConflictException ex) when (ex.Message.Contains("already exists", StringComparison.Ordinal))
                {
                    return false;
                }
            })));
            Assert.True(outcomes.Count(created => created) == 1, $"{id} was created {outcomes.Count(created => created)} times");
        }

        await using var check = await OpenAsync();
        Assert.Equal(Rounds, (await check.HistoryAsync()).Count);
    }

    [StoreFact]
    public async Task Pages_of_a_find_follow_id_order_to_the_last_match_with_a_total_at_the_snapshots_version()
    {
        await using var writer = await OpenAsync();
        var changes = new ChangeSet();
        for (var i = 0; i < 23; i++) changes.Create(TestEntries.Tool($"app.generated:t{i:00}"));
        // "app.a:x" sorts after "app.generated:…" but "app:…" before it: ids order by their text, not by namespace.
        changes.Create(TestEntries.Plain("app.a:x", "registry.entry", new JsonObject { ["type"] = "llm.model" }));
        changes.Update(TestEntries.Tool("app.tools:doc_search", "changed"));
        await writer.ApplyAsync(changes);
        await using var reader = await OpenAsync();
        // Written after the reader's snapshot: its pages and totals must not see it.
        await writer.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:t05b")).Delete(EntryId.Parse("app.generated:t07")));
        var snapshot = reader.Snapshot();

        foreach (var query in new[]
        {
            EntryQuery.All,
            EntryQuery.ByNamespace("app.generated"),
            EntryQuery.ByMeta("type", "tool"),
            EntryQuery.ByKind("function.*"),
            new EntryQuery { Name = "doc_search" },
            EntryQuery.ByMeta("comment", "a t", MetaMatch.Prefix),
        })
        {
            var pages = new List<Entry>();
            EntryId? after = null;
            EntryPage page;
            do
            {
                page = snapshot.FindPage(query, after, 4);
                Assert.True(page.Entries.Count <= 4);
                pages.AddRange(page.Entries);
                if (page.Entries.Count > 0) after = page.Entries[^1].Id;
            }
            while (page.More);
            var all = snapshot.Find(query);
            Assert.Equal(Ids(all), Ids(pages));
            Assert.Equal(query.Meta.Any(m => m.Match != MetaMatch.Exact) ? null : all.Count, snapshot.Count(query));
        }
        Assert.Equal(26, snapshot.Find(EntryQuery.All).Count);
        Assert.DoesNotContain("app.generated:t05b", Ids(snapshot.Find(EntryQuery.All)));
    }

    private static string[] Ids(IEnumerable<Entry> entries) => entries.Select(e => e.Id.ToString()).ToArray();
}

/// <summary>The contract on SQLite: one file per test.</summary>
public sealed class SqliteStoreContractTests : RegistryStoreContract, IDisposable
{
    private readonly TempDir _dir = new();

    protected override IRegistryStore OpenStore() => SqliteRegistryStore.Open(Path.Combine(_dir.Path, "registry.db"));

    public void Dispose() => _dir.Dispose();
}

/// <summary>The contract on PostgreSQL: one schema per test.</summary>
[RequiresPostgres]
public sealed class PostgresStoreContractTests : RegistryStoreContract
{
    private readonly Lazy<string> _schema = new(PostgresTestDatabase.NewSchema);

    protected override IRegistryStore OpenStore() => PostgresRegistryStore.OpenAsync(_schema.Value).GetAwaiter().GetResult();
}
