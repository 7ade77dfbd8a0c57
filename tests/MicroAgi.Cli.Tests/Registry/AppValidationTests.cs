namespace MicroAgi.Cli.Tests.Registry;

/// <summary>An --app is checked when it is loaded, not first when something tries to write to it.</summary>
public class AppValidationTests
{
    [Theory]
    [InlineData("actions: \"*\"\neffect: maybe", "'policy.effect' is 'maybe'; use 'allow' or 'deny'")]
    [InlineData("actions: []\neffect: deny", "'policy.actions' is an empty list")]
    public async Task An_invalid_policy_in_an_app_stops_the_load_naming_file_line_and_problem(string policyLines, string problem)
    {
        using var cli = new CliRunner();
        var index = cli.WriteFile("app/tools/_index.yaml", $"""
            namespace: app.mine
            entries:
              - name: fine
                kind: registry.entry
              - name: bad_policy
                kind: security.policy
                groups: [agent_security]
                policy:
                  resources: "app:*"
                  {policyLines.Replace("\n", "\n      ", StringComparison.Ordinal)}
            """);
        var appDir = Path.GetDirectoryName(Path.GetDirectoryName(index))!;

        var result = await cli.RunAsync("--app", appDir, "registry", "list");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("tools/_index.yaml:5:", result.Stderr);
        Assert.Contains("app.mine:bad_policy", result.Stderr);
        Assert.Contains(problem, result.Stderr);
        Assert.DoesNotContain("bug", result.Stderr);
    }
}
