using Microsoft.Data.Sqlite;

namespace MicroAgi.Cli.Tests.Registry;

/// <summary>The registry commands on a database MicroAgi did not write, or one damaged since.</summary>
public class RegistryDatabaseTests
{
    [Fact]
    public async Task A_foreign_database_is_a_user_error_and_stays_as_it_was()
    {
        using var cli = new CliRunner();
        var db = Path.Combine(cli.StateDirectory, "registry.db");
        Sql(db, "CREATE TABLE versions (number TEXT); INSERT INTO versions VALUES ('one')");
        var before = await File.ReadAllBytesAsync(db);

        var result = await cli.RunAsync("registry", "list");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("is not a MicroAgi database", result.Stderr);
        Assert.Equal(before, await File.ReadAllBytesAsync(db));
    }

    [Fact]
    public async Task A_damaged_row_is_a_user_error_that_names_the_row()
    {
        using var cli = new CliRunner();
        var changeset = cli.WriteFile("add.yaml", "changes:\n  - op: create\n    id: app.generated:a\n    kind: registry.entry\n");
        Assert.Equal(0, (await cli.RunAsync("registry", "apply", changeset)).ExitCode);
        Sql(Path.Combine(cli.StateDirectory, "registry.db"), "UPDATE changes SET op = 'Explode'");

        var result = await cli.RunAsync("registry", "history");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("is damaged: changes row (version 1, seq 0): op \"Explode\" is not one of Create, Update, Delete", result.Stderr);
    }

    [Fact]
    public async Task Reading_commands_on_a_new_state_directory_create_nothing()
    {
        using var cli = new CliRunner { PassStateDirectory = false };
        var fresh = Path.Combine(cli.StateDirectory, "not-yet");
        cli.Environment["MICROAGI_HOME"] = fresh;

        var list = await cli.RunAsync("registry", "list");
        var show = await cli.RunAsync("registry", "show", "app:dev_assistant");
        var history = await cli.RunAsync("registry", "history");
        var policy = await cli.RunAsync("policy", "check", "--scope", "app:agent_security", "--actor", "service:agent", "--action", "registry.write", "--resource", "app.generated:x");

        foreach (var result in new[] { list, show, history, policy }) Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("app:dev_assistant", list.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(fresh), "a reading command created the state directory");
    }

    private static void Sql(string db, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using (var command = new SqliteCommand(sql, connection)) command.ExecuteNonQuery();
    }
}
