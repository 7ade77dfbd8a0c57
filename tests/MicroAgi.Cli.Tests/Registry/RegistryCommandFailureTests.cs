namespace MicroAgi.Cli.Tests.Registry;

public class RegistryCommandFailureTests
{
    [Fact]
    public async Task A_state_directory_that_is_a_regular_file_is_a_user_error_not_a_bug()
    {
        using var cli = new CliRunner();
        var file = cli.WriteFile("not-a-directory", "just a file");
        cli.PassStateDirectory = false;

        var result = await cli.RunAsync("--state-dir", file, "registry", "list");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("state directory", result.Stderr);
        Assert.Contains(file, result.Stderr);
        Assert.DoesNotContain("bug", result.Stderr);
        Assert.Equal("just a file", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task A_kind_glob_with_many_stars_answers()
    {
        using var cli = new CliRunner();

        var none = await cli.RunAsync("registry", "list", "--kind", new string('*', 30) + "x");
        var policies = await cli.RunAsync("registry", "list", "--kind", new string('*', 30) + "policy");

        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Contains("0 entries", none.Stdout);
        Assert.True(policies.ExitCode == 0, policies.ToString());
        Assert.Contains("app:deny_core_ns", policies.Stdout);
    }
}
