using System.Text.Json.Nodes;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests.Mcp;

/// <summary>
/// add_mcp_server through the real binary and a scripted model: a server the user allowed is added, started and
/// its tools called in the same session; every way around the allowlist is refused and the session goes on.
/// </summary>
public sealed class AddMcpServerCliTests
{
    private static string Everything => NpmMcp.Bin("mcp-server-everything");

    private static string AllowEverything(CliRunner cli) => cli.WriteFile("microagi.yaml", $"mcp:\n  allowed_commands:\n    - {Everything}\n");

    private static string Add(string name, string command, params string[] args) =>
        new JsonObject { ["name"] = name, ["command"] = command, ["args"] = new JsonArray([.. args.Select(a => (JsonNode)a)]) }.ToJsonString();

    [NpmFact]
    public async Task The_agent_adds_an_allowed_server_and_calls_its_tool_in_the_same_session()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(
            FakeReply.Call("add_mcp_server", Add("everything", Everything), "a1"),
            FakeReply.Call("mcp_everything_echo", """{"message":"added and called"}""", "e1"),
            FakeReply.Say("done"));
        using var cli = CliRunner.ForOpenAI(server);
        var config = AllowEverything(cli);

        var run = await cli.RunAsync("run", "--config", config, "-p", "add the everything server and echo");
        var list = await cli.RunAsync("mcp", "list");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("[add_mcp_server] ok", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("[mcp_everything_echo] ok", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("mcp_everything_echo", server.ChatRequests[1].Body, StringComparison.Ordinal); // add_mcp_server's result names it
        var prompt = (string?)server.ChatRequests[1].Json!["messages"]![0]!["content"];
        Assert.Contains("mcp_everything_echo", prompt, StringComparison.Ordinal); // offered by name from the next request on
        Assert.Contains("Echo: added and called", ToolResults(server.ChatRequests[2]), StringComparison.Ordinal);
        Assert.Contains("app.generated:everything", list.Stdout, StringComparison.Ordinal); // stored: the next session has it
    }

    [NpmFact]
    public async Task Escape_attempts_are_refused_and_the_session_and_registry_stay_intact()
    {
        await using var server = FakeOpenAIServer.Start();
        var elsewhere = Path.Combine(Path.GetTempPath(), "microagi-lookalike-" + Guid.NewGuid().ToString("N"), "mcp-server-everything");
        server.Enqueue(
            FakeReply.CallTools(
                new FakeToolCall("r1", "add_mcp_server", Add("shell", "sh", "-c", "touch /tmp/microagi-pwned")),
                new FakeToolCall("r2", "add_mcp_server", Add("lookalike", elsewhere)),
                new FakeToolCall("r3", "add_mcp_server", Add("bashc", "bash -c", "id")),
                new FakeToolCall("r4", "add_mcp_server", Add("extra", Everything, "--", "-c")),
                new FakeToolCall("r5", "add_mcp_server", new JsonObject { ["name"] = "envy", ["command"] = Everything, ["env"] = new JsonObject { ["PATH"] = "/tmp" } }.ToJsonString()),
                new FakeToolCall("r6", "add_mcp_server", new JsonObject { ["name"] = "remote", ["command"] = Everything, ["url"] = "http://127.0.0.1:9/mcp" }.ToJsonString()),
                new FakeToolCall("r7", "add_mcp_server", Add(new string('a', 100), Everything)),
                new FakeToolCall("r8", "add_mcp_server", Add("app.tools:exec", Everything))),
            FakeReply.Call("add_mcp_server", Add("everything", Everything), "a1"),
            FakeReply.Call("mcp_everything_echo", """{"message":"still here"}""", "e1"),
            FakeReply.Say("done"));
        using var cli = CliRunner.ForOpenAI(server);
        var config = AllowEverything(cli);

        var run = await cli.RunAsync("run", "--config", config, "-p", "try everything");
        var stored = await cli.RunAsync("registry", "list", "--kind", "mcp.server");

        Assert.True(run.ExitCode == 0, run.ToString());
        var refusals = ToolResults(server.ChatRequests[1]);
        Assert.Contains("`sh -c 'touch /tmp/microagi-pwned'` is not in mcp.allowed_commands", refusals, StringComparison.Ordinal);
        Assert.Contains($"`{elsewhere}` is not in mcp.allowed_commands", refusals, StringComparison.Ordinal);
        Assert.Contains("command 'bash -c' contains whitespace", refusals, StringComparison.Ordinal);
        Assert.Contains($"`{Everything} -- -c` is not in mcp.allowed_commands", refusals, StringComparison.Ordinal);
        Assert.Contains("'env' cannot be given", refusals, StringComparison.Ordinal);
        Assert.Contains("'url' cannot be given", refusals, StringComparison.Ordinal);
        Assert.Contains("name is 100 characters long, at most 24 are allowed", refusals, StringComparison.Ordinal);
        Assert.Contains("a name cannot choose its namespace", refusals, StringComparison.Ordinal);
        Assert.Equal(8, CountOf(run.Stderr, "[add_mcp_server] error:"));
        Assert.False(File.Exists("/tmp/microagi-pwned"));
        // The same session goes on: the allowed server is added and used.
        Assert.Contains("Echo: still here", ToolResults(server.ChatRequests[3]), StringComparison.Ordinal);
        Assert.True(stored.ExitCode == 0, stored.ToString());
        Assert.Contains("app.generated:everything", stored.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(stored.Stdout, "mcp.server"));
    }

    [Fact]
    public async Task With_no_allowlist_the_agent_is_told_how_the_user_can_allow_the_server()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Call("add_mcp_server", Add("everything", "npx", "-y", "@modelcontextprotocol/server-everything"), "a1"), FakeReply.Say("asked the user"));
        using var cli = CliRunner.ForOpenAI(server);

        var run = await cli.RunAsync("run", "-p", "add the everything server");
        var stored = await cli.RunAsync("registry", "list", "--kind", "mcp.server");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("[add_mcp_server] error:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("mcp.allowed_commands in microagi.yaml is empty. To allow this one, add the line `npx -y @modelcontextprotocol/server-everything` to it",
            ToolResults(server.ChatRequests[1]), StringComparison.Ordinal);
        Assert.DoesNotContain("app.generated", stored.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_namespace_the_agents_security_policy_denies_is_refused_with_the_policys_message()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Call("add_mcp_server", Add("everything", "npx", "-y", "@modelcontextprotocol/server-everything"), "a1"), FakeReply.Say("denied"));
        using var cli = CliRunner.ForOpenAI(server);
        var config = cli.WriteFile("microagi.yaml", "mcp:\n  allowed_commands:\n    - npx -y @modelcontextprotocol/server-everything\n");
        var app = Path.GetDirectoryName(cli.WriteFile("app/_index.yaml", """
            namespace: app
            entries:
              - name: deny_generated
                kind: security.policy
                policy: { actions: "*", resources: "app.generated:*", effect: deny }
                groups: [agent_security]
            """))!;

        var run = await cli.RunAsync("--app", app, "run", "--config", config, "-p", "add the everything server");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("policy denied: create on app.generated:everything", ToolResults(server.ChatRequests[1]), StringComparison.Ordinal);
    }

    /// <summary>The tool results a request sent back to the model, as the model reads them (not JSON-escaped).</summary>
    private static string ToolResults(RecordedRequest request) => string.Join("\n",
        request.Json!["messages"]!.AsArray().Where(m => (string?)m!["role"] == "tool").Select(m => (string?)m!["content"]));

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
