using MicroAgi.Registry.Storage;

namespace MicroAgi.Registry.Tests;

/// <summary>
/// Many writers on one database file, each with its own connection as separate processes would have,
/// all opening a registry and creating the same id: exactly one create may reach history.
/// </summary>
public class ConcurrentStoreTests
{
    private const int Writers = 12;
    private const int Rounds = 40;

    [Fact]
    public async Task Writers_racing_to_create_one_id_store_exactly_one_create()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "registry.db");
        await using (var seed = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(db), [])) { }

        for (var round = 0; round < Rounds; round++)
        {
            var id = EntryId.Parse($"app.generated:race{round}");
            using var start = new Barrier(Writers);
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(() => CreateAsync(db, id, start))));
        }

        await using var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(db), []);
        var creates = (await registry.HistoryAsync())
            .SelectMany(v => v.Changes)
            .Where(c => c.Kind == ChangeKind.Create)
            .GroupBy(c => c.Id)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Rounds, creates.Count);
        Assert.All(creates, pair => Assert.True(pair.Value == 1, $"{pair.Key} was created {pair.Value} times"));
    }

    private static async Task CreateAsync(string db, EntryId id, Barrier start)
    {
        start.SignalAndWait(TimeSpan.FromSeconds(30));
        await using var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(db), []);
        try
        {
            await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool(id.ToString())));
        }
        catch (ChangeSetConflictException ex) when (ex.Message.Contains("already exists", StringComparison.Ordinal))
        {
            // The expected outcome for every writer but one.
        }
    }
}
