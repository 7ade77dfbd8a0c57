namespace MicroAgi.Cli.Tests;

public class RegistryCommandTests
{
    private const string ClockChangeSet = """
        description: add a clock
        changes:
          - op: create
            id: app.generated:clock
            kind: function.lua
            meta: { type: tool, title: clock }
            source: file://clock.lua
            method: handler
        """;

    [Fact]
    public async Task Registry_list_shows_the_built_in_app()
    {
        using var cli = new CliRunner();
        var result = await cli.RunAsync("registry", "list");
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var id in new[] { "app:definition", "app:deny_core_ns", "app:deny_tools_ns", "app:gpt-5.1", "app:gpt-4.1-nano", "app:dev_assistant" })
        {
            Assert.Contains(id, result.Stdout);
        }
        Assert.Contains("registry version 0", result.Stdout);
    }

    [Fact]
    public async Task An_applied_changeset_survives_a_restart_and_can_be_rolled_back()
    {
        using var cli = new CliRunner();
        cli.WriteFile("clock.lua", "return { handler = function() return 1 end }");
        var changeset = cli.WriteFile("add-clock.yaml", ClockChangeSet);

        var apply = await cli.RunAsync("registry", "apply", changeset);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("applied version 1", apply.Stdout);

        var show = await cli.RunAsync("registry", "show", "app.generated:clock");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("return { handler = function() return 1 end }", show.Stdout);

        var history = await cli.RunAsync("registry", "history");
        Assert.Contains("add a clock", history.Stdout);
        Assert.Contains("create app.generated:clock", history.Stdout);

        var rollback = await cli.RunAsync("registry", "rollback", "0");
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Contains("as version 2", rollback.Stdout);

        var gone = await cli.RunAsync("registry", "show", "app.generated:clock");
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("not found: app.generated:clock", gone.Stderr);

        var diff = await cli.RunAsync("registry", "diff", "2");
        Assert.Contains("deleted (was function.lua)", diff.Stdout);
    }

    [Fact]
    public async Task Ephemeral_runs_leave_the_database_untouched()
    {
        using var cli = new CliRunner();
        cli.WriteFile("clock.lua", "return {}");
        var changeset = cli.WriteFile("add-clock.yaml", ClockChangeSet);

        var apply = await cli.RunAsync("--ephemeral", "registry", "apply", changeset);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.False(File.Exists(Path.Combine(cli.StateDirectory, "registry.db")));

        var list = await cli.RunAsync("registry", "list", "--ns", "app.generated");
        Assert.DoesNotContain("app.generated:clock", list.Stdout);
    }

    [Fact]
    public async Task A_conflicting_changeset_is_refused_whole_with_every_reason()
    {
        using var cli = new CliRunner();
        var changeset = cli.WriteFile("bad.yaml", """
            changes:
              - { op: create, id: "app.generated:fine", kind: registry.entry }
              - { op: create, id: "app:dev_assistant", kind: registry.entry }
              - { op: delete, id: "app.generated:missing" }
            """);

        var result = await cli.RunAsync("registry", "apply", changeset);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("create app:dev_assistant: the entry already exists", result.Stderr);
        Assert.Contains("delete app.generated:missing: no such entry", result.Stderr);
        var list = await cli.RunAsync("registry", "list", "--ns", "app.generated");
        Assert.DoesNotContain("app.generated:fine", list.Stdout);
    }

    [Fact]
    public async Task A_user_app_adds_and_overrides_entries_and_its_errors_name_file_and_line()
    {
        using var cli = new CliRunner();
        var appDir = Path.GetDirectoryName(cli.WriteFile("app/_index.yaml", """
            namespace: app
            entries:
              - name: dev_assistant
                kind: registry.entry
                meta: { type: agent.gen1, title: My Assistant }
              - name: extra
                kind: registry.entry
            """))!;

        var list = await cli.RunAsync("--app", appDir, "registry", "list", "--ns", "app");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("My Assistant", list.Stdout);
        Assert.Contains("app:extra", list.Stdout);

        File.WriteAllText(Path.Combine(appDir, "_index.yaml"), "namespace: app\nentries:\n  - name: broken\n    kind: [oops\n");
        var broken = await cli.RunAsync("--app", appDir, "registry", "list");
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("_index.yaml:", broken.Stderr);
        Assert.Contains("malformed YAML", broken.Stderr);
    }

    [Fact]
    public async Task A_database_that_is_not_sqlite_gives_a_clear_error_and_is_not_overwritten()
    {
        using var cli = new CliRunner();
        var db = Path.Combine(cli.StateDirectory, "registry.db");
        await File.WriteAllTextAsync(db, new string('!', 4096));

        var result = await cli.RunAsync("registry", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not a MicroAgi database or is damaged", result.Stderr);
        Assert.Equal(new string('!', 4096), await File.ReadAllTextAsync(db));
    }

    [Fact]
    public async Task State_directory_comes_from_MICROAGI_HOME_when_no_option_is_given()
    {
        using var cli = new CliRunner();
        var home = Path.Combine(cli.StateDirectory, "home");
        cli.Environment["MICROAGI_HOME"] = home;
        cli.WriteFile("clock.lua", "return {}");
        var changeset = cli.WriteFile("add-clock.yaml", ClockChangeSet);

        cli.PassStateDirectory = false;
        var result = await cli.RunAsync("registry", "apply", changeset);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(home, "registry.db")));
    }
}
