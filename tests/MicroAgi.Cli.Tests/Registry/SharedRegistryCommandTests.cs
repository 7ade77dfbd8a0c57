using Npgsql;

namespace MicroAgi.Cli.Tests.Registry;

/// <summary>History pages and authors, migrate, and two MicroAgi processes on one PostgreSQL registry.</summary>
public class SharedRegistryCommandTests
{
    private static string ChangeSet(string name) => $"""
        description: add {name}
        changes:
          - op: create
            id: app.generated:{name}
            kind: function.lua
            meta: {"{"} type: tool {"}"}
            source: "return {"{"} handler = function() return '{name}' end {"}"}"
            method: handler
        """;

    [Fact]
    public async Task History_shows_a_page_at_a_time_says_how_to_see_older_versions_and_filters_by_author()
    {
        using var cli = new CliRunner();
        foreach (var name in new[] { "one", "two", "three" })
        {
            var apply = await cli.RunAsync("registry", "apply", cli.WriteFile($"{name}.yaml", ChangeSet(name)));
            Assert.True(apply.ExitCode == 0, apply.ToString());
        }

        var newest = await cli.RunAsync("registry", "history", "--limit", "2");
        Assert.True(newest.ExitCode == 0, newest.ToString());
        Assert.Contains("add three", newest.Stdout);
        Assert.Contains("add two", newest.Stdout);
        Assert.DoesNotContain("add one", newest.Stdout);
        Assert.Contains("registry history --before 2", newest.Stdout);

        var older = await cli.RunAsync("registry", "history", "--limit", "2", "--before", "2");
        Assert.Contains("add one", older.Stdout);
        Assert.DoesNotContain("add two", older.Stdout);
        Assert.DoesNotContain("--before", older.Stdout);

        var mine = await cli.RunAsync("registry", "history", "--author", Environment.MachineName);
        Assert.Contains("add one", mine.Stdout);
        var diff = await cli.RunAsync("registry", "diff", "1");
        Assert.Contains("@" + Environment.MachineName, diff.Stdout);
        var nobody = await cli.RunAsync("registry", "history", "--author", "nobody-at-all");
        Assert.DoesNotContain("add one", nobody.Stdout);

        var bad = await cli.RunAsync("registry", "history", "--limit", "0");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--limit must be at least 1, not 0", bad.Stderr);
    }

    [Fact]
    public async Task List_shows_a_page_at_a_time_with_the_total_and_the_command_for_the_next_page()
    {
        using var cli = new CliRunner();
        foreach (var name in new[] { "one", "two", "three" })
        {
            Assert.Equal(0, (await cli.RunAsync("registry", "apply", cli.WriteFile($"{name}.yaml", ChangeSet(name)))).ExitCode);
        }

        var first = await cli.RunAsync("registry", "list", "--ns", "app.generated", "--limit", "2");
        var next = await cli.RunAsync("registry", "list", "--ns", "app.generated", "--limit", "2", "--after", "app.generated:three");
        var whole = await cli.RunAsync("registry", "list", "--ns", "app.generated");
        var bad = await cli.RunAsync("registry", "list", "--limit", "0");

        Assert.True(first.ExitCode == 0, first.ToString());
        // Id order: one, three, two.
        Assert.Contains("app.generated:one", first.Stdout);
        Assert.Contains("app.generated:three", first.Stdout);
        Assert.DoesNotContain("app.generated:two", first.Stdout);
        Assert.Contains("2 of 3 entries, registry version 3", first.Stdout);
        Assert.Contains("next page: microagi registry list --ns app.generated --limit 2 --after app.generated:three", first.Stdout);
        Assert.Contains("app.generated:two", next.Stdout);
        Assert.DoesNotContain("app.generated:one", next.Stdout);
        Assert.Contains("1 of 3 entries", next.Stdout);
        Assert.DoesNotContain("next page", next.Stdout);
        Assert.Contains("3 entries, registry version 3", whole.Stdout);
        Assert.DoesNotContain("next page", whole.Stdout);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--limit must be at least 1, not 0", bad.Stderr);
    }

    [Fact]
    public async Task Migrate_copies_the_history_into_an_empty_registry_and_refuses_a_full_one()
    {
        using var cli = new CliRunner();
        Assert.Equal(0, (await cli.RunAsync("registry", "apply", cli.WriteFile("one.yaml", ChangeSet("one")))).ExitCode);
        using var other = new CliRunner();
        var target = Path.Combine(other.StateDirectory, "registry.db");

        var migrate = await cli.RunAsync("registry", "migrate", "--from", "sqlite:" + Path.Combine(cli.StateDirectory, "registry.db"), "--to", "sqlite:" + target);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Contains("copied 1 versions", migrate.Stdout);
        var history = await other.RunAsync("registry", "history");
        Assert.Contains("add one", history.Stdout);

        var again = await cli.RunAsync("registry", "migrate", "--from", "sqlite:" + Path.Combine(cli.StateDirectory, "registry.db"), "--to", "sqlite:" + target);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already holds 1 versions", again.Stderr);

        var unknown = await cli.RunAsync("registry", "migrate", "--from", "mysql://x/y", "--to", "sqlite:" + target);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'mysql://…' is not a store MicroAgi knows", unknown.Stderr);
    }

    [PostgresFact]
    public async Task A_tool_created_by_one_process_is_read_by_another_on_the_same_PostgreSQL_registry()
    {
        var url = NewSchema();
        using var writer = new CliRunner();
        using var reader = new CliRunner();
        writer.Environment["MICROAGI_REGISTRY_URL"] = url;
        File.WriteAllText(Path.Combine(reader.StateDirectory, "microagi.yaml"), $"registry:\n  store: \"{url}\"\n");

        var apply = await writer.RunAsync("registry", "apply", writer.WriteFile("shared.yaml", ChangeSet("shared")));
        Assert.True(apply.ExitCode == 0, apply.ToString());

        var show = await reader.RunAsync("registry", "show", "app.generated:shared");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("return 'shared'", show.Stdout);
        Assert.False(File.Exists(Path.Combine(writer.StateDirectory, "registry.db")), "the writer used a SQLite file, not PostgreSQL");
    }

    /// <summary>A fresh schema on the test server, as a postgres:// URL.</summary>
    private static string NewSchema()
    {
        var server = new NpgsqlConnectionStringBuilder(PostgresFactAttribute.ConnectionString!);
        var schema = "cli_" + Guid.NewGuid().ToString("N")[..12];
        using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            command.ExecuteNonQuery();
        }
        return $"postgres://{server.Username}@{server.Host}:{server.Port}/{server.Database}?schema={schema}";
    }
}

/// <summary>A fact that needs the test PostgreSQL server (MICROAGI_TEST_POSTGRES; .ci/run starts one): skipped, saying so, without it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("MICROAGI_TEST_POSTGRES") is { Length: > 0 } value ? value : null;

    public PostgresFactAttribute()
    {
        if (ConnectionString is null)
            Skip = "PostgreSQL is not available: set MICROAGI_TEST_POSTGRES (export MICROAGI_TEST_POSTGRES=\"$(.ci/postgres-up)\"; .ci/run does it)";
    }
}
