using Microsoft.Data.Sqlite;
using MicroAgi.Registry.Storage;

namespace MicroAgi.Registry.Tests;

/// <summary>What the store does with a file it did not write, or a row it could not have written.</summary>
public class SqliteStoreFileTests
{
    [Fact]
    public void A_database_of_another_program_is_refused_and_left_byte_for_byte_as_it_was()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "registry.db");
        Sql(db, "CREATE TABLE notes (text TEXT); CREATE TABLE versions (number TEXT); INSERT INTO versions VALUES ('one')");
        var before = File.ReadAllBytes(db);

        var ex = Assert.Throws<RegistryStoreException>(() => SqliteRegistryStore.Open(db));

        Assert.Contains("is not a MicroAgi database (it holds notes, versions)", ex.Message);
        Assert.Contains("left untouched", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(db));
        Assert.Equal("delete", Sql(db, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task An_empty_database_file_becomes_a_registry()
    {
        using var dir = new TempDir();
        var db = dir.Write("registry.db", "");

        await using var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(db), []);
        await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool("app.generated:a")));

        Assert.Equal("wal", Sql(db, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task A_schema_version_that_is_not_a_number_is_named_as_damage()
    {
        using var dir = new TempDir();
        var db = await RegistryWithOneVersion(dir);
        Sql(db, "UPDATE schema_info SET version = 'x'");

        var ex = Assert.Throws<RegistryStoreException>(() => SqliteRegistryStore.Open(db));

        Assert.Contains($"registry database '{db}' is damaged: schema_info row 1: version is \"x\"", ex.Message);
    }

    [Theory]
    [InlineData("UPDATE entries SET state = 'not json'", "entries row \"app.generated:a\": state is not valid JSON")]
    [InlineData("UPDATE entries SET state = '{\"meta\":{},\"data\":{}}'", "entries row \"app.generated:a\": state has no \"kind\" string")]
    [InlineData("UPDATE entries SET state = '[1]'", "entries row \"app.generated:a\": state is a JSON Array, not an entry object")]
    [InlineData("UPDATE entries SET state = '{\"kind\":\"k\",\"meta\":7}'", "entries row \"app.generated:a\": state entry 'app.generated:a': meta must be an object")]
    [InlineData("UPDATE entries SET id = 'no-colon'", "entries row \"no-colon\": entry id 'no-colon' has no ':'")]
    [InlineData("UPDATE changes SET before = '{'", "changes row (version 1, seq 0): before is not valid JSON")]
    [InlineData("UPDATE changes SET op = 'Explode'", "changes row (version 1, seq 0): op \"Explode\" is not one of Create, Update, Delete")]
    [InlineData("UPDATE changes SET op = '1'", "changes row (version 1, seq 0): op \"1\" is not one of")]
    [InlineData("PRAGMA foreign_keys = OFF; UPDATE changes SET version = 'x'", "changes row (version \"x\", seq 0): version is \"x\", not an integer")]
    [InlineData("UPDATE versions SET applied_at = 'yesterday'", "versions row 1: applied_at \"yesterday\" is not a timestamp")]
    public async Task A_damaged_row_names_the_file_the_table_the_row_and_the_problem(string damage, string expected)
    {
        using var dir = new TempDir();
        var db = await RegistryWithOneVersion(dir);
        Sql(db, damage);

        var ex = await Assert.ThrowsAsync<RegistryStoreException>(async () =>
        {
            // Reads go by index, so damage shows when the damaged row is read: here, all of them.
            await using var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(db), []);
            registry.Find(EntryQuery.All);
            await registry.HistoryAsync();
        });

        Assert.Contains($"registry database '{db}' is damaged: {expected}", ex.Message);
        Assert.Contains("restore it from a backup", ex.Message);
    }

    [Fact]
    public async Task A_version_2_database_is_upgraded_and_its_entries_are_found_through_the_new_indexes()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "registry.db");
        OldSchemaWithOneVersion(db, schemaVersion: 2);

        await using (var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(db), []))
        {
            var found = registry.Find(new EntryQuery { Kind = "function.lua", Namespace = "app.generated" }.WithMeta("group", "g1"));
            Assert.Equal("app.generated:old", Assert.Single(found).Id.ToString());
            var version = Assert.Single(await registry.HistoryAsync());
            Assert.Null(version.Author);
        }

        Assert.Equal("3", Sql(db, "SELECT version FROM schema_info"));
    }

    [Fact]
    public async Task A_version_1_database_is_upgraded_and_keeps_its_history()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "registry.db");
        OldSchemaWithOneVersion(db, schemaVersion: 1);

        await using (var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(db), []))
        {
            Assert.Single(await registry.HistoryAsync());
        }

        Assert.Equal("3", Sql(db, "SELECT version FROM schema_info"));
    }

    [Fact]
    public async Task A_database_from_a_newer_MicroAgi_is_refused_by_its_version()
    {
        using var dir = new TempDir();
        var db = await RegistryWithOneVersion(dir);
        Sql(db, "UPDATE schema_info SET version = 4");

        var ex = Assert.Throws<RegistryStoreException>(() => SqliteRegistryStore.Open(db));

        Assert.Contains("has schema version 4, this MicroAgi understands 3", ex.Message);
    }

    /// <summary>A file as MicroAgi wrote it with schema version 1 or 2 (the same tables), holding one version.</summary>
    private static void OldSchemaWithOneVersion(string db, int schemaVersion) =>
        Sql(db, $$$"""
                CREATE TABLE schema_info (version INTEGER NOT NULL);
                CREATE TABLE versions (number INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, description TEXT);
                CREATE TABLE changes (version INTEGER NOT NULL REFERENCES versions(number), seq INTEGER NOT NULL, op TEXT NOT NULL,
                    id TEXT NOT NULL, before TEXT, after TEXT, PRIMARY KEY (version, seq));
                CREATE TABLE entries (id TEXT PRIMARY KEY, state TEXT, version INTEGER NOT NULL);
                INSERT INTO schema_info VALUES ({{{schemaVersion}}});
                INSERT INTO versions VALUES (1, '2026-11-01T10:00:00.0000000+00:00', 'old');
                INSERT INTO changes VALUES (1, 0, 'Create', 'app.generated:old', NULL, '{"kind":"function.lua","meta":{"type":"tool","group":"g1"},"data":{}}');
                INSERT INTO entries VALUES ('app.generated:old', '{"kind":"function.lua","meta":{"type":"tool","group":"g1"},"data":{}}', 1);
                """);

    private static async Task<string> RegistryWithOneVersion(TempDir dir)
    {
        var db = Path.Combine(dir.Path, "registry.db");
        await using var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(db), []);
        await registry.ApplyAsync(new ChangeSet("one").Create(TestEntries.Tool("app.generated:a")));
        return db;
    }

    /// <summary>Runs SQL on the file directly, as another program would; the first value it returns, as text.</summary>
    private static string? Sql(string db, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
