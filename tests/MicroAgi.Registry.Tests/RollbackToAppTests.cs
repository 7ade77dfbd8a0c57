using MicroAgi.Registry.Storage;

namespace MicroAgi.Registry.Tests;

/// <summary>
/// Rolling an id back to a version at which it had no runtime change brings back the app's entry as
/// loaded now (the YAML may have changed since), recorded as a reset in history.
/// </summary>
public class RollbackToAppTests
{
    private static readonly EntryId Clock = EntryId.Parse("app.tools:clock");

    private static Task<EntryRegistry> Open(string db, params Entry[] app) => EntryRegistry.OpenAsync(SqliteRegistryStore.Open(db), app);

    [Fact]
    public async Task After_rollback_0_later_edits_of_the_app_show_through()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "registry.db");
        await using (var registry = await Open(db, TestEntries.Tool(Clock.ToString(), "yaml 1")))
        {
            await registry.ApplyAsync(new ChangeSet().Update(TestEntries.Tool(Clock.ToString(), "runtime")));
            var rollback = await registry.RollbackAsync(0);
            Assert.Equal([(ChangeKind.Reset, Clock)], rollback.Changes.Select(c => (c.Kind, c.Id)));
            Assert.Equal("yaml 1", registry.Get(Clock)!.MetaString("comment"));
        }

        await using var edited = await Open(db, TestEntries.Tool(Clock.ToString(), "yaml 2"));

        Assert.Equal("yaml 2", edited.Get(Clock)!.MetaString("comment"));
    }

    [Fact]
    public async Task An_id_created_at_runtime_and_later_added_to_the_app_survives_rollback_0_as_the_app_has_it()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "registry.db");
        await using (var registry = await Open(db))
        {
            await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool(Clock.ToString(), "runtime")));
        }
        await using var withApp = await Open(db, TestEntries.Tool(Clock.ToString(), "now in yaml"));

        await withApp.RollbackAsync(0);

        Assert.Equal("now in yaml", withApp.Get(Clock)!.MetaString("comment"));
        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => withApp.RollbackAsync(0));
        Assert.Contains("nothing to roll back", again.Message);
    }

    [Fact]
    public async Task A_reset_can_itself_be_rolled_back_and_another_process_applies_it_to_its_own_app()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "registry.db");
        await using var first = await Open(db);
        await using var second = await Open(db, TestEntries.Tool(Clock.ToString(), "second's yaml"));
        await first.ApplyAsync(new ChangeSet().Create(TestEntries.Tool(Clock.ToString(), "runtime")));
        await first.RollbackAsync(0);
        Assert.Null(first.Get(Clock));

        await second.RefreshAsync();
        Assert.Equal("second's yaml", second.Get(Clock)!.MetaString("comment"));

        await first.RollbackAsync(1);
        Assert.Equal("runtime", first.Get(Clock)!.MetaString("comment"));
        Assert.Equal([ChangeKind.Create, ChangeKind.Reset, ChangeKind.Create], (await first.HistoryAsync()).Select(v => v.Changes.Single().Kind));
    }
}
