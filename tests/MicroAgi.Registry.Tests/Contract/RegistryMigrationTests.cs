using MicroAgi.Registry.Postgres;
using MicroAgi.Registry.Storage;

namespace MicroAgi.Registry.Tests.Contract;

/// <summary>A registry copied SQLite → PostgreSQL → SQLite keeps every version, author and change, and the same state.</summary>
[RequiresPostgres]
public sealed class RegistryMigrationTests : IDisposable
{
    private static readonly Entry[] App = [TestEntries.Tool("app.tools:doc_search")];
    private readonly TempDir _dir = new();

    [StoreFact]
    public async Task A_registry_copied_to_PostgreSQL_and_back_keeps_its_history_and_state()
    {
        var original = Path.Combine(_dir.Path, "original.db");
        await using (var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(original), App))
        {
            registry.Author = new VersionAuthor("alice", Machine: "laptop");
            await registry.ApplyAsync(new ChangeSet("clock").Create(TestEntries.Tool("app.generated:clock", "v1")));
            await registry.ApplyAsync(new ChangeSet("edit").Update(TestEntries.Tool("app.generated:clock", "v2")).Update(TestEntries.Tool("app.tools:doc_search", "edited"))
                .By(new VersionAuthor(null, Agent: "app:dev_assistant", Session: "s1")));
            await registry.ApplyAsync(new ChangeSet("gone").Delete(EntryId.Parse("app.generated:clock")));
            await registry.RollbackAsync(1);
        }

        var schema = PostgresTestDatabase.NewSchema();
        var back = Path.Combine(_dir.Path, "back.db");
        await using (var from = SqliteRegistryStore.Open(original))
        await using (var to = await PostgresRegistryStore.OpenAsync(schema))
        {
            Assert.Equal(4, await RegistryMigration.CopyAsync(from, to));
            var again = await Assert.ThrowsAsync<InvalidOperationException>(() => RegistryMigration.CopyAsync(from, to));
            Assert.Contains("already holds 4 versions", again.Message);
        }
        await using (var from = await PostgresRegistryStore.OpenAsync(schema))
        await using (var to = SqliteRegistryStore.Open(back))
        {
            Assert.Equal(4, await RegistryMigration.CopyAsync(from, to));
        }

        await using var originalRegistry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(original), App);
        await using var onPostgres = await EntryRegistry.OpenAsync(await PostgresRegistryStore.OpenAsync(schema), App);
        await using var copied = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(back), App);
        var expected = Describe(await originalRegistry.HistoryAsync());
        Assert.Equal(expected, Describe(await onPostgres.HistoryAsync()));
        Assert.Equal(expected, Describe(await copied.HistoryAsync()));
        foreach (var registry in new[] { onPostgres, copied })
        {
            Assert.Equal(4, registry.Version);
            Assert.Equal("v1", registry.Get(EntryId.Parse("app.generated:clock"))!.MetaString("comment"));
            Assert.Equal("a tool", registry.Get(EntryId.Parse("app.tools:doc_search"))!.MetaString("comment"));
        }
    }

    /// <summary>Every field of every version, as text: numbers, times to the microsecond, authors, changes with their states.</summary>
    private static List<string> Describe(IReadOnlyList<RegistryVersion> history) => history.Select(v =>
        $"{v.Number} {v.AppliedAt.UtcTicks / 10} {v.Description} [{v.Author}] " +
        string.Join("; ", v.Changes.Select(c => $"{c.Kind} {c.Id} {c.Before?.MetaString("comment")}->{c.After?.MetaString("comment")}"))).ToList();

    public void Dispose() => _dir.Dispose();
}
