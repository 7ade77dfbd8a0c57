using Microsoft.Data.Sqlite;
using MicroAgi.Registry.Storage;

namespace MicroAgi.Registry.Tests;

public class SqliteRegistryStoreTests
{
    private static readonly Entry[] BaseApp = [TestEntries.Tool("app.tools:doc_search"), TestEntries.Plain("app:dev_assistant")];

    private static Task<EntryRegistry> Open(string path) => EntryRegistry.OpenAsync(SqliteRegistryStore.Open(path), BaseApp);

    [Fact]
    public async Task Applied_changes_survive_a_restart()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "registry.db");
        await using (var registry = await Open(db))
        {
            await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:clock", "tells time")));
            await registry.ApplyAsync(new ChangeSet().Delete(EntryId.Parse("app:dev_assistant")));
        }

        await using var reopened = await Open(db);

        Assert.Equal(2, reopened.Version);
        Assert.Equal("tells time", reopened.Get(EntryId.Parse("app.generated:clock"))!.MetaString("comment"));
        Assert.Null(reopened.Get(EntryId.Parse("app:dev_assistant")));
        Assert.NotNull(reopened.Get(EntryId.Parse("app.tools:doc_search")));
        Assert.Equal(2, (await reopened.HistoryAsync()).Count);
    }

    [Fact]
    public async Task A_rollback_is_persisted_and_history_shows_it()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "registry.db");
        await using (var registry = await Open(db))
        {
            await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:clock", "good")));
            await registry.ApplyAsync(new ChangeSet().Update(TestEntries.Tool("app.generated:clock", "bad")));
            await registry.RollbackAsync(1);
        }

        await using var reopened = await Open(db);
        Assert.Equal("good", reopened.Get(EntryId.Parse("app.generated:clock"))!.MetaString("comment"));
        var history = await reopened.HistoryAsync();
        Assert.Equal("rollback to version 1", history[^1].Description);
    }

    [Fact]
    public async Task Two_registries_on_one_file_see_each_others_changes_and_never_overwrite_them()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "registry.db");
        await using var first = await Open(db);
        await using var second = await Open(db);

        await first.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:a")));
        // second is still at version 0; its apply must take version 1 into account, not clobber it.
        var v = await second.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:b")));
        Assert.Equal(2, v.Number);
        Assert.NotNull(second.Get(EntryId.Parse("app.generated:a")));

        var conflict = await Assert.ThrowsAsync<ChangeSetConflictException>(() =>
            first.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:b"))));
        Assert.Contains("already exists", conflict.Message);

        await first.RefreshAsync();
        Assert.Equal(2, first.Version);
    }

    [Fact]
    public void A_file_that_is_not_a_database_gives_a_clear_error_and_is_left_alone()
    {
        using var dir = new TempDir();
        var db = dir.Write("registry.db", new string('#', 8192));

        var ex = Assert.Throws<RegistryStoreException>(() => SqliteRegistryStore.Open(db));

        Assert.Contains("is not a MicroAgi database or is damaged", ex.Message);
        Assert.Contains("--state-dir", ex.Message);
        Assert.Equal(new string('#', 8192), File.ReadAllText(db));
    }

    [Fact]
    public async Task A_database_locked_by_another_writer_gives_a_clear_error_and_no_partial_version()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "registry.db");
        await using var registry = await Open(db);
        await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:a")));

        using (var locker = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            locker.Open();
            using var tx = locker.BeginTransaction(deferred: false);
            var ex = await Assert.ThrowsAsync<RegistryStoreException>(() =>
                registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:b"))));
            Assert.Contains("locked by another process", ex.Message);
        }

        Assert.Equal(1, registry.Version);
        Assert.Null(registry.Get(EntryId.Parse("app.generated:b")));
        await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:b")));
        Assert.Equal(2, registry.Version);
    }

    [Fact]
    public void An_unwritable_state_directory_gives_a_clear_error()
    {
        using var dir = new TempDir();
        var blocker = dir.Write("not-a-dir", "file in the way");
        var ex = Assert.ThrowsAny<Exception>(() => SqliteRegistryStore.Open(Path.Combine(blocker, "registry.db")));
        Assert.Contains("not-a-dir", ex.Message);
    }
}
