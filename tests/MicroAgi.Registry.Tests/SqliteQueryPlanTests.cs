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
        await (await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(path), [])).DisposeAsync();
        var (sql, parameters) = SqlRegistryStore.CandidateQuery(query, 1, page ? EntryId.Parse("app.generated:t1") : null, page ? 100 : null, count: false);

        var plan = Plan(path, sql, parameters);

        Assert.True(plan.Contains(index, StringComparison.Ordinal), $"{what}: the plan does not use {index}:\n{plan}");
        Assert.False(plan.Split('\n').Any(step => step.StartsWith("SCAN", StringComparison.Ordinal)), $"{what}: the plan scans a table:\n{plan}");
        if (page) Assert.False(plan.Contains("TEMP B-TREE", StringComparison.Ordinal), $"{what}: the page is sorted after reading every match:\n{plan}");
    }

    private static string Plan(string path, string sql, (string Name, object? Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var steps = new List<string>();
        while (reader.Read()) steps.Add(reader.GetString(3));
        return string.Join('\n', steps);
    }
}
