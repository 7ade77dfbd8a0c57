using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using MicroAgi.Registry.Storage;

namespace MicroAgi.Registry.Tests;

/// <summary>
/// What SQLite's planner does with the store's finds, on a file without statistics (the worst case): each read
/// goes through an index — no table scan, no sort of every match — so its cost does not grow with the store.
/// </summary>
public sealed class SqliteQueryPlanTests
{
    public static TheoryData<string, EntryQuery, bool, string> Finds => new()
    {
        // A session's start-up: the agent's tools (namespace + meta.type), models and policies.
        { "tools of a namespace", EntryQuery.ByNamespace("app.tools").WithMeta("type", "tool"), false, "entries_by_ns" },
        { "models", EntryQuery.ByKind("registry.entry").WithMeta("type", "llm.model"), false, "entries_by_kind" },
        { "policies", EntryQuery.ByKind("security.policy"), false, "entries_by_kind" },
        // create_tool's check that no other tool has the name.
        { "tools by name", new EntryQuery { Name = "clock" }.WithMeta("type", "tool"), false, "entries_by_name" },
        { "tools by alias", EntryQuery.ByMeta("type", "tool").WithMeta("llm_alias", "clock"), false, "entry_meta_by_value" },
        // registry list, a page at a time.
        { "a page of everything", EntryQuery.All, true, "sqlite_autoindex_entries_1" },
        { "a page of a namespace", EntryQuery.ByNamespace("app.generated"), true, "entries_by_ns" },
        { "a page of a type", EntryQuery.ByMeta("type", "tool"), true, "entry_meta_by_value" },
    };

    [Theory]
    [MemberData(nameof(Finds))]
    public async Task A_find_reads_through_an_index_and_a_page_needs_no_sort(string what, EntryQuery query, bool page, string index)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "registry.db");
        await using var store = SqliteRegistryStore.Open(path);

        var plan = Plan(path, store.CandidateQueryFor(query, 1, page ? EntryId.Parse("app.generated:t1") : null, page ? 100 : null));

        AssertIndexed(what, plan, index, maySort: !page);
    }

    [Fact]
    public async Task The_criterion_with_the_fewest_rows_drives_the_find()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "registry.db");
        await using (var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(path), []))
        {
            // Many tools in app.generated and many plain registry entries; one built-in tool, one model.
            var changes = new ChangeSet().Create(TestEntries.Tool("app.tools:clock"))
                .Create(TestEntries.Plain("app:model", "registry.entry", new JsonObject { ["type"] = "llm.model" }));
            for (var i = 0; i < 40; i++)
            {
                changes.Create(TestEntries.Tool($"app.generated:t{i}"));
                changes.Create(TestEntries.Plain($"app.data:d{i}", "registry.entry", new JsonObject { ["type"] = "note" }));
            }
            await registry.ApplyAsync(changes);
        }
        await using var store = SqliteRegistryStore.Open(path);

        var tools = Plan(path, store.CandidateQueryFor(EntryQuery.ByNamespace("app.tools").WithMeta("type", "tool"), 1, null, null));
        var models = Plan(path, store.CandidateQueryFor(EntryQuery.ByKind("registry.entry").WithMeta("type", "llm.model"), 1, null, null));

        AssertIndexed("the tools of a small namespace", tools, "entries_by_ns", maySort: true);
        Assert.StartsWith("SEARCH e USING INDEX entries_by_ns", tools, StringComparison.Ordinal);
        AssertIndexed("the one model among many entries of its kind", models, "entry_meta_by_value", maySort: true);
        Assert.StartsWith("SEARCH m0 USING COVERING INDEX entry_meta_by_value", models, StringComparison.Ordinal);
    }

    /// <summary>Every find also reads what changed after its snapshot's version: a few rows, whatever the history's length.</summary>
    [Fact]
    public async Task The_changes_after_a_snapshot_are_read_through_the_version_not_the_whole_history()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "registry.db");
        await using (var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(path), []))
        {
            for (var i = 0; i < 40; i++) await registry.ApplyAsync(new ChangeSet().Create(TestEntries.Tool($"app.generated:t{i}")));
        }

        var plan = Plan(path, (SqlRegistryStore.ChangedIdsSql, [("@version", 40L)]));

        Assert.StartsWith("SEARCH changes USING INDEX sqlite_autoindex_changes_1 (version>?)", plan, StringComparison.Ordinal);
        AssertIndexed("the changes after a snapshot", plan, "sqlite_autoindex_changes_1", maySort: false);
    }

    private static void AssertIndexed(string what, string plan, string index, bool maySort)
    {
        Assert.True(plan.Contains(index, StringComparison.Ordinal), $"{what}: the plan does not use {index}:\n{plan}");
        Assert.False(plan.Split('\n').Any(step => step.StartsWith("SCAN", StringComparison.Ordinal)), $"{what}: the plan scans a table:\n{plan}");
        if (!maySort) Assert.False(plan.Contains("TEMP B-TREE", StringComparison.Ordinal), $"{what}: the page is sorted after reading every match:\n{plan}");
    }

    private static string Plan(string path, (string Sql, (string Name, object? Value)[] Parameters) query)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + query.Sql;
        foreach (var (name, value) in query.Parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var steps = new List<string>();
        while (reader.Read()) steps.Add(reader.GetString(3));
        return string.Join('\n', steps);
    }
}
