namespace MicroAgi.Cli.Tests;

/// <summary>Exit codes a script can act on (docs/exit-codes.md), and messages free of .NET names.
/// Provider failures (3) and Ctrl+C (130) are proved in RunCommandTests.</summary>
public class ExitCodeTests
{
    [Theory]
    [InlineData("registry", "show")]                                     // a missing argument
    [InlineData("registry", "lsit")]                                     // an unknown command
    [InlineData("--no-such-option")]                                      // an unknown option
    [InlineData("tools", "call", "app.tools:doc_search", "{not json")]    // arguments that are not JSON
    [InlineData("tools", "call", "app.tools:doc_search", "{}", "--timeout", "-1")]
    [InlineData("registry", "show", "no-colon")]                          // an id that is not namespace:name
    [InlineData("policy", "check", "--scope", "app:agent_security", "--actor", "a", "--action", "x", "--resource", "r", "--actor-meta", "novalue")]
    public async Task A_command_line_that_cannot_be_used_exits_with_2(params string[] args)
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.DoesNotContain("(Parameter '", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_of_the_work_itself_exits_with_1()
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync("registry", "show", "app:no_such_entry");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("not found: app:no_such_entry", result.Stderr, StringComparison.Ordinal);
    }
}
