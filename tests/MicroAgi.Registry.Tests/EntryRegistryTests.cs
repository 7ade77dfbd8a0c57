using System.Text.Json.Nodes;

namespace MicroAgi.Registry.Tests;

public class EntryRegistryTests
{
    private static EntryRegistry NewRegistry() => EntryRegistry.CreateInMemory([
        TestEntries.Tool("app.tools:doc_search"),
        TestEntries.Plain("app:dev_assistant", meta: new JsonObject { ["type"] = "agent.gen1" }),
    ]);

    [Fact]
    public async Task Each_apply_produces_the_next_version_and_is_visible_at_once()
    {
        var registry = NewRegistry();
        Assert.Equal(0, registry.Version);

        var v1 = await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:clock")));
        var v2 = await registry.ApplyAsync(new ChangeSet().Update(TestEntries.Tool("app.generated:clock", "better")));

        Assert.Equal(1, v1.Number);
        Assert.Equal(2, v2.Number);
        Assert.Equal(2, registry.Version);
        Assert.Equal("better", registry.Get(EntryId.Parse("app.generated:clock"))!.MetaString("comment"));
    }

    [Fact]
    public async Task Writing_entries_as_they_already_are_records_no_version()
    {
        var registry = NewRegistry();
        await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:clock")));

        var same = await registry.ApplyAsync(new ChangeSet().Update(TestEntries.Tool("app.generated:clock")).Update(TestEntries.Tool("app.tools:doc_search")));
        var mixed = await registry.ApplyAsync(new ChangeSet().Update(TestEntries.Tool("app.generated:clock")).Update(TestEntries.Tool("app.tools:doc_search", "changed")));

        Assert.Equal(1, same.Number);
        Assert.Empty(same.Changes);
        Assert.Equal(2, mixed.Number);
        Assert.Equal(2, mixed.Changes.Count);
        Assert.Equal([1L, 2L], (await registry.HistoryAsync()).Select(v => v.Number));
    }

    [Fact]
    public async Task A_conflicting_changeset_is_refused_whole_and_changes_nothing()
    {
        var registry = NewRegistry();
        var before = registry.Snapshot();
        var changes = new ChangeSet()
            .Create(TestEntries.Tool("app.generated:fine"))
            .Create(TestEntries.Tool("app.tools:doc_search"))
            .Update(TestEntries.Tool("app.generated:missing"))
            .Delete(EntryId.Parse("app:nothing"));

        var ex = await Assert.ThrowsAsync<ChangeSetConflictException>(() => registry.ApplyAsync(changes));

        Assert.Equal(3, ex.Problems.Count);
        Assert.Contains("create app.tools:doc_search: the entry already exists", ex.Message);
        Assert.Contains("update app.generated:missing: no such entry", ex.Message);
        Assert.Contains("delete app:nothing: no such entry", ex.Message);
        Assert.Same(before, registry.Snapshot());
        Assert.Null(registry.Get(EntryId.Parse("app.generated:fine")));
        Assert.Empty(await registry.HistoryAsync());
    }

    [Fact]
    public async Task An_update_that_changes_kind_is_refused()
    {
        var registry = NewRegistry();
        var ex = await Assert.ThrowsAsync<ChangeSetConflictException>(() =>
            registry.ApplyAsync(new ChangeSet().Update(TestEntries.Tool("app.tools:doc_search", kind: "function.native"))));
        Assert.Contains("would change kind from 'function.lua' to 'function.native'", ex.Message);
    }

    [Fact]
    public async Task Operations_see_the_ones_before_them_so_delete_then_create_works()
    {
        var registry = NewRegistry();
        await registry.ApplyAsync(new ChangeSet()
            .Delete(EntryId.Parse("app.tools:doc_search"))
            .Create(TestEntries.Tool("app.tools:doc_search", kind: "function.native")));
        Assert.Equal("function.native", registry.Get(EntryId.Parse("app.tools:doc_search"))!.Kind);
    }

    [Fact]
    public async Task An_empty_changeset_is_an_error()
    {
        var registry = NewRegistry();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => registry.ApplyAsync(new ChangeSet()));
        Assert.Contains("changeset is empty", ex.Message);
    }

    [Fact]
    public async Task History_records_what_each_version_changed_with_before_and_after()
    {
        var registry = NewRegistry();
        await registry.ApplyAsync(new ChangeSet("add clock").Create(TestEntries.Tool("app.generated:clock", "v1")));
        await registry.ApplyAsync(new ChangeSet().Update(TestEntries.Tool("app.generated:clock", "v2")));

        var history = await registry.HistoryAsync();

        Assert.Equal([1L, 2L], history.Select(v => v.Number));
        Assert.Equal("add clock", history[0].Description);
        var change = Assert.Single(history[1].Changes);
        Assert.Equal(ChangeKind.Update, change.Kind);
        Assert.Equal("v1", change.Before!.MetaString("comment"));
        Assert.Equal("v2", change.After!.MetaString("comment"));
    }

    [Fact]
    public async Task Rollback_restores_the_earlier_state_as_a_new_version()
    {
        var registry = NewRegistry();
        await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:clock", "v1")));
        await registry.ApplyAsync(new ChangeSet()
            .Update(TestEntries.Tool("app.generated:clock", "broken"))
            .Delete(EntryId.Parse("app.tools:doc_search"))
            .Create(TestEntries.Tool("app.generated:extra")));

        var rollback = await registry.RollbackAsync(1);

        Assert.Equal(3, rollback.Number);
        Assert.Equal("v1", registry.Get(EntryId.Parse("app.generated:clock"))!.MetaString("comment"));
        Assert.NotNull(registry.Get(EntryId.Parse("app.tools:doc_search")));
        Assert.Null(registry.Get(EntryId.Parse("app.generated:extra")));

        await registry.RollbackAsync(0);
        Assert.Null(registry.Get(EntryId.Parse("app.generated:clock")));
        Assert.Equal(4, registry.Version);
    }

    [Fact]
    public async Task Rollback_to_a_version_that_does_not_exist_says_which_versions_exist()
    {
        var registry = NewRegistry();
        await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:clock")));
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => registry.RollbackAsync(7));
        Assert.Equal("cannot roll back to version 7: pick a version from 0 (the base app) to 0", ex.Message);
    }

    [Fact]
    public async Task Subscribers_are_told_about_every_applied_version()
    {
        var registry = NewRegistry();
        var seen = new List<long>();
        registry.Changed += (_, e) => seen.Add(e.Version.Number);
        await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:a")));
        await registry.RollbackAsync(0);
        Assert.Equal([1L, 2L], seen);
    }

    [Fact]
    public async Task A_snapshot_does_not_change_when_the_registry_does()
    {
        var registry = NewRegistry();
        var snapshot = registry.Snapshot();
        await registry.ApplyAsync(snapshot.Changes().Create(TestEntries.Tool("app.generated:a")));
        Assert.Null(snapshot.Get(EntryId.Parse("app.generated:a")));
        Assert.Equal(0, snapshot.Version);
        Assert.NotNull(registry.Snapshot().Get(EntryId.Parse("app.generated:a")));
    }

    [Fact]
    public async Task Parallel_applies_each_get_their_own_version()
    {
        var registry = NewRegistry();
        var versions = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool($"app.generated:t{i}"))))));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), versions.Select(v => v.Number).Order());
        Assert.Equal(50, registry.Find(EntryQuery.ByNamespace("app.generated")).Count);
    }
}
