namespace MicroAgi.Cli.Tests;

/// <summary><c>microagi tools list</c> and <c>microagi tools groups</c> through the real binary.</summary>
public sealed class ToolPolicyCommandTests
{
    private static string[] Offered(CliResult result) =>
        [.. result.Stdout.Split('\n').SkipWhile(l => !l.StartsWith("offered", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim().Split(' ')[0])];

    [Fact]
    public async Task Tools_list_shows_what_is_in_and_what_each_layer_filters_out()
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync("tools", "list", "--allow", "group:fs,group:runtime", "--allow", "web_*", "--deny", "BASH",
            "--provider", "google", "--subagent");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["edit", "glob", "process", "read", "web_fetch", "web_search", "write"], Offered(result));
        Assert.Contains("exec             global    denied by 'BASH' (--deny)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("sessions_spawn   global    not in the allow list (--allow)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("self             config    off until tools.self_evolution is true", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("provider google · as a subagent", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subagent_never_lists_sessions_spawn()
    {
        using var cli = new CliRunner();

        var parent = await cli.RunAsync("tools", "list", "--allow", "group:subagent,read");
        var child = await cli.RunAsync("tools", "list", "--allow", "group:subagent,read", "--subagent");

        Assert.Equal(["read", "sessions_spawn"], Offered(parent));
        Assert.Equal(["read"], Offered(child));
        Assert.Contains("sessions_spawn   subagent  denied by 'sessions_spawn' (subagent restrictions deny)", child.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_name_is_a_usage_error_that_suggests_the_group()
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync("tools", "list", "--allow", "fs");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--allow: unknown tool 'fs'; did you mean the group 'group:fs'?", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_allow_list_allows_nothing()
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync("tools", "list", "--allow", "");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(Offered(result));
        Assert.Contains("the allow list is empty (--allow)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tools_groups_lists_every_group_with_its_tools()
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync("tools", "groups");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("group:core         edit, exec, glob, process, read, web_fetch, web_search, write", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("group:fs           edit, glob, read, write", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("group:subagent     sessions_spawn", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("group:mcp          add_mcp_server", result.Stdout, StringComparison.Ordinal); // no server: only the tool that adds one
    }
}

/// <summary><c>microagi run --tools-allow/--tools-deny</c> against the scripted model.</summary>
public sealed class RunToolPolicyTests
{
    private static List<string?> OfferedTools(MicroAgi.Testing.FakeLlm.FakeLlmServer server, int request) =>
        [.. server.ChatRequests[request].Json!["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"])];

    [Fact]
    public async Task A_scripted_model_calling_a_denied_tool_is_refused_and_the_command_never_runs()
    {
        await using var server = MicroAgi.Testing.FakeLlm.FakeOpenAIServer.Start();
        server.Enqueue(
            MicroAgi.Testing.FakeLlm.FakeReply.Call("exec", """{"command":"touch proof.txt"}""", "e1"),
            MicroAgi.Testing.FakeLlm.FakeReply.Say("Refused."));
        using var cli = CliRunner.ForOpenAI(server);
        var workspace = Path.GetDirectoryName(cli.WriteFile("workspace/.keep", ""))!;
        var config = cli.WriteFile("microagi.yaml", $"tools:\n  workspace: {workspace}\n");

        var result = await cli.RunAsync("-p", "touch it", "--config", config, "--approval", "full-auto",
            "--tools-allow", "group:core", "--tools-deny", "bash");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[exec] error: the tool 'exec' is not available in this session: the tool policy removed it (denied by 'bash' (--tools-deny))", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(workspace, "proof.txt")));
        // Offered with their schemas, and named as deferred in the prompt (docs/agent-loop.md): what group:core keeps.
        Assert.Equal(["edit", "read", "write"], OfferedTools(server, 0).Order(StringComparer.Ordinal));
        var prompt = (string?)server.ChatRequests[0].Json!["messages"]![0]!["content"];
        var deferred = prompt![prompt!.IndexOf("Also callable by name: ", StringComparison.Ordinal)..];
        foreach (var named in new[] { "glob (find files)", "process (background processes)", "web_search", "web_fetch (fetch web page)" })
            Assert.Contains(named, deferred, StringComparison.Ordinal);
        Assert.DoesNotContain("sessions_spawn", deferred, StringComparison.Ordinal); // not in group:core
    }

    [Fact]
    public async Task An_unknown_name_in_tools_allow_stops_the_run_before_any_request()
    {
        await using var server = MicroAgi.Testing.FakeLlm.FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "hi", "--tools-allow", "fs");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--tools-allow: unknown tool 'fs'; did you mean the group 'group:fs'?", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.ChatRequests);
    }
}
