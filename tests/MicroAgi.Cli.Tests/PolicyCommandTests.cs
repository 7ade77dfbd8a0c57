namespace MicroAgi.Cli.Tests;

public class PolicyCommandTests
{
    [Theory]
    [InlineData("app:dev_assistant", "deny (by app:deny_core_ns)")]
    [InlineData("app.tools:doc_search", "deny (by app:deny_tools_ns)")]
    [InlineData("app.generated:anything", "undefined")]
    public async Task Agent_security_scope_fences_core_and_tools_namespaces(string resource, string expected)
    {
        using var cli = new CliRunner();
        var result = await cli.RunAsync("policy", "check", "--scope", "app:agent_security", "--actor", "service:agent",
            "--actor-meta", "role=agent", "--action", "create", "--resource", resource);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, result.Stdout.Trim());
    }

    [Fact]
    public async Task An_invalid_policy_in_a_user_app_is_reported_with_its_id_and_problem()
    {
        using var cli = new CliRunner();
        var appDir = Path.GetDirectoryName(cli.WriteFile("app/_index.yaml", """
            namespace: app
            entries:
              - name: broken
                kind: security.policy
                policy: { actions: "*", resources: "x:*", effect: maybe }
                groups: [agent_security]
            """))!;
        var result = await cli.RunAsync("--app", appDir, "policy", "check", "--scope", "app:agent_security",
            "--actor", "service:agent", "--action", "create", "--resource", "app.generated:x");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("app:broken", result.Stderr);
        Assert.Contains("maybe", result.Stderr);
    }

    [Fact]
    public async Task Missing_required_options_are_a_usage_error()
    {
        using var cli = new CliRunner();
        var result = await cli.RunAsync("policy", "check", "--scope", "app:agent_security");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--actor", result.Stderr + result.Stdout);
    }
}

public class PolicyWriteValidationTests
{
    [Fact]
    public async Task Registry_apply_refuses_a_malformed_policy()
    {
        using var cli = new CliRunner();
        var changeset = cli.WriteFile("bad-policy.yaml", """
            changes:
              - op: create
                id: app:open_everything
                kind: security.policy
                policy: { actions: [], resources: "*", effect: allow }
                groups: [agent_security]
            """);
        var result = await cli.RunAsync("registry", "apply", changeset);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("create app:open_everything:", result.Stderr);
        Assert.Contains("actions", result.Stderr);
    }
}
