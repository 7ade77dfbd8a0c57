using System.Text.Json.Nodes;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests.Mcp;

/// <summary><c>kind: mcp.server</c> entries: their tools as <c>mcp_&lt;server&gt;_&lt;tool&gt;</c> for agents and <c>microagi mcp tools</c>.</summary>
public sealed class McpClientCliTests
{
    /// <summary>An app with MCP servers and an agent granted the tools of <paramref name="granted"/>.</summary>
    private static string App(CliRunner cli, string servers, string granted) => Path.GetDirectoryName(cli.WriteFile("app/_index.yaml", $$"""
        version: "1.0"
        namespace: app.mcp
        entries:
        {{servers}}
          - name: mcp_agent
            kind: registry.entry
            meta:
              type: agent.gen1
            prompt: You use MCP tools.
            tools: ["mcp.{{granted}}:*"]
        """))!;

    /// <summary>MicroAgi's own <c>mcp serve</c> (another state directory) as a stdio server: a real MCP server with no npm.</summary>
    private static string InnerServer(CliRunner cli) => $$"""
          - name: inner
            kind: mcp.server
            command: dotnet
            args: ["{{Path.Combine(AppContext.BaseDirectory, "microagi.dll")}}", "--state-dir", "{{cli.StateDirectory}}-inner", "mcp", "serve"]
        """;

    [Fact]
    public async Task Mcp_list_and_mcp_tools_show_a_servers_tools_as_agents_see_them()
    {
        using var cli = new CliRunner();
        var app = App(cli, InnerServer(cli), "inner");

        var list = await cli.RunAsync("--app", app, "mcp", "list");
        var tools = await cli.RunAsync("--app", app, "mcp", "tools", "app.mcp:inner");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("app.mcp:inner\tstdio\tdotnet", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("as mcp_inner_*", list.Stdout, StringComparison.Ordinal);
        Assert.True(tools.ExitCode == 0, tools.ToString());
        Assert.Contains("mcp_inner_registry_read\tmcp.inner:registry_read\t", tools.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_cannot_start_is_an_error_naming_the_command_and_its_stderr()
    {
        using var cli = new CliRunner();
        var app = App(cli, """
              - name: broken
                kind: mcp.server
                command: sh
                args: ["-c", "echo 'no such database: prod' >&2; exit 3"]
            """, "broken");

        var tools = await cli.RunAsync("--app", app, "mcp", "tools", "app.mcp:broken");

        Assert.Equal(1, tools.ExitCode);
        Assert.Contains("MCP server app.mcp:broken could not start: `sh -c", tools.Stderr, StringComparison.Ordinal);
        Assert.Contains("no such database: prod", tools.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scripted_model_calls_an_mcp_servers_tool_through_the_agent_loop()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Call("mcp_inner_registry_read", """{"id":"app.tools:doc_search"}""", "m1"), FakeReply.Say("read it"));
        using var cli = CliRunner.ForOpenAI(server);
        var app = App(cli, InnerServer(cli), "inner");

        var run = await cli.RunAsync("--app", app, "run", "app.mcp:mcp_agent", "-p", "read the doc_search entry");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("[mcp_inner_registry_read] ok", run.Stderr, StringComparison.Ordinal);
        var offered = server.ChatRequests[0].Body;
        Assert.Contains("mcp_inner_registry_read", offered, StringComparison.Ordinal);
        var answered = server.ChatRequests[1].Body;
        Assert.Contains("function.native", answered, StringComparison.Ordinal); // the entry the inner server read
    }

    [NpmFact]
    public async Task Server_everything_tools_join_the_agent_and_their_images_become_readable_content()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(
            FakeReply.CallTools(
                new FakeToolCall("e1", "mcp_everything_echo", """{"message":"hi from the model"}"""),
                new FakeToolCall("e2", "mcp_everything_get-tiny-image", "{}")),
            FakeReply.Say("done"));
        using var cli = CliRunner.ForOpenAI(server);
        var app = App(cli, $$"""
              - name: everything
                kind: mcp.server
                command: {{NpmMcp.Bin("mcp-server-everything")}}
            """, "everything");

        var run = await cli.RunAsync("--app", app, "run", "app.mcp:mcp_agent", "-p", "echo and show an image");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("[mcp_everything_echo] ok", run.Stderr, StringComparison.Ordinal);
        var results = server.ChatRequests[1].Body;
        Assert.Contains("hi from the model", results, StringComparison.Ordinal);
        Assert.Contains("image/png", results, StringComparison.Ordinal);
        Assert.Contains("saved_to", results, StringComparison.Ordinal);
    }

    /// <summary>
    /// An app that adds only server-everything (the built-in agent is what uses it), in <paramref name="ns"/>:
    /// <c>app.generated</c> is where an agent would add it.
    /// </summary>
    private static string EverythingApp(CliRunner cli, string ns = "app.mcp") => Path.GetDirectoryName(cli.WriteFile($"{ns}/_index.yaml", $$"""
        version: "1.0"
        namespace: {{ns}}
        entries:
          - name: everything
            kind: mcp.server
            command: {{NpmMcp.Bin("mcp-server-everything")}}
        """))!;

    [NpmFact]
    public async Task The_default_agent_is_offered_a_configured_servers_tools_and_calls_them()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Call("mcp_everything_echo", """{"message":"hi from the default agent"}""", "e1"), FakeReply.Say("done"));
        using var cli = CliRunner.ForOpenAI(server);

        var run = await cli.RunAsync("--app", EverythingApp(cli), "run", "-p", "echo something");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("[mcp_everything_echo] ok", run.Stderr, StringComparison.Ordinal);
        // The default agent defers MCP tools (docs/agent-loop.md): named in the prompt, offered whole once called.
        var prompt = (string?)server.ChatRequests[0].Json!["messages"]![0]!["content"];
        Assert.Contains("mcp_everything_echo", prompt, StringComparison.Ordinal);
        Assert.Contains("\"create_tool\"", server.ChatRequests[0].Body, StringComparison.Ordinal);
        Assert.Contains("\"mcp_everything_echo\"", server.ChatRequests[1].Body, StringComparison.Ordinal);
        Assert.Contains("Echo: hi from the default agent", server.ChatRequests[1].Body, StringComparison.Ordinal);
    }

    [NpmFact]
    public async Task The_tool_policy_still_filters_the_default_agents_mcp_tools()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Call("mcp_everything_echo", """{"message":"should not run"}""", "e1"), FakeReply.Say("refused"));
        using var cli = CliRunner.ForOpenAI(server);

        var run = await cli.RunAsync("--app", EverythingApp(cli), "run", "--tools-deny", "group:mcp", "-p", "echo something");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("mcp_everything_", server.ChatRequests[0].Body, StringComparison.Ordinal);
        Assert.Contains("\"create_tool\"", server.ChatRequests[0].Body, StringComparison.Ordinal);
        // The server never started (the policy removes all its tools): to the model the tool does not exist.
        Assert.Contains("[mcp_everything_echo] error:", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Echo: should not run", server.ChatRequests[1].Body, StringComparison.Ordinal); // what the server would answer
    }

    [Theory]
    [InlineData("--tools-deny", "group:mcp")]
    [InlineData("--tools-deny", "mcp_tracer_*")]
    [InlineData("--tools-allow", "group:fs")]
    public async Task A_server_whose_tools_the_policy_removes_is_never_started(string option, string names)
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("no MCP"), FakeReply.Say("with MCP"));
        using var cli = CliRunner.ForOpenAI(server);
        var started = Path.Combine(cli.StateDirectory, "tracer-started");
        // A server that leaves a mark when it is started (and then fails, which the session reports).
        var app = Path.GetDirectoryName(cli.WriteFile("app.mcp/_index.yaml", $$"""
            version: "1.0"
            namespace: app.mcp
            entries:
              - name: tracer
                kind: mcp.server
                command: sh
                args: ["-c", "touch '{{started}}'; exit 3"]
            """))!;

        var denied = await cli.RunAsync("--app", app, "run", option, names, "-p", "hi");

        Assert.True(denied.ExitCode == 0, denied.ToString());
        Assert.False(File.Exists(started), "the server was started although the tool policy removes all its tools");
        Assert.DoesNotContain("app.mcp:tracer", denied.Stderr, StringComparison.Ordinal);

        var allowed = await cli.RunAsync("--app", app, "run", "-p", "hi");

        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.True(File.Exists(started), "the control run did not start the server");
        Assert.Contains("MCP server app.mcp:tracer could not start", allowed.Stderr, StringComparison.Ordinal);
    }

    [NpmFact]
    public async Task A_server_an_agent_added_runs_when_its_command_is_in_the_allowlist()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Call("mcp_everything_echo", """{"message":"allowed"}""", "e1"), FakeReply.Say("done"));
        using var cli = CliRunner.ForOpenAI(server);
        var config = cli.WriteFile("microagi.yaml", $"mcp:\n  allowed_commands:\n    - {NpmMcp.Bin("mcp-server-everything")}\n");

        var run = await cli.RunAsync("--app", EverythingApp(cli, "app.generated"), "run", "--config", config, "-p", "echo");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("[mcp_everything_echo] ok", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Echo: allowed", server.ChatRequests[1].Body, StringComparison.Ordinal);
    }

    [NpmFact]
    public async Task A_server_an_agent_added_with_an_unlisted_command_never_starts_and_the_user_is_told_why()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("no server"));
        using var cli = CliRunner.ForOpenAI(server);
        var config = cli.WriteFile("microagi.yaml", "mcp:\n  allowed_commands:\n    - npx -y @modelcontextprotocol/server-filesystem /srv\n");

        var run = await cli.RunAsync("--app", EverythingApp(cli, "app.generated"), "run", "--config", config, "-p", "echo");
        var list = await cli.RunAsync("--app", EverythingApp(cli, "app.generated"), "mcp", "tools", "app.generated:everything");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("warning: MCP server app.generated:everything was added by an agent", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("is not in mcp.allowed_commands (microagi.yaml)", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("mcp_everything_", server.ChatRequests[0].Body, StringComparison.Ordinal);
        // mcp tools reads the state directory's microagi.yaml, which has no allowlist: agents add nothing.
        Assert.Equal(1, list.ExitCode);
        Assert.Contains("mcp.allowed_commands in microagi.yaml is empty", list.Stderr, StringComparison.Ordinal);
    }

    [NpmFact]
    public async Task Server_filesystem_reads_a_file_in_its_root_for_the_model_and_refuses_one_outside()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);
        var notes = cli.WriteFile("files/notes.txt", "the filesystem server read this");
        var outside = cli.WriteFile("secret.txt", "not for the model");
        server.Enqueue(
            FakeReply.CallTools(
                new FakeToolCall("f1", "mcp_files_read_text_file", new JsonObject { ["path"] = notes }.ToJsonString()),
                new FakeToolCall("f2", "mcp_files_read_text_file", new JsonObject { ["path"] = outside }.ToJsonString())),
            FakeReply.Say("read"));
        var app = App(cli, $$"""
              - name: files
                kind: mcp.server
                command: {{NpmMcp.Bin("mcp-server-filesystem")}}
                args: ["{{Path.GetDirectoryName(notes)}}"]
            """, "files");

        var run = await cli.RunAsync("--app", app, "run", "app.mcp:mcp_agent", "-p", "read my notes");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("[mcp_files_read_text_file] ok", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("[mcp_files_read_text_file] error:", run.Stderr, StringComparison.Ordinal);
        var results = server.ChatRequests[1].Body;
        Assert.Contains("the filesystem server read this", results, StringComparison.Ordinal);
        Assert.DoesNotContain("not for the model", results, StringComparison.Ordinal);
        Assert.Contains("outside allowed directories", results, StringComparison.Ordinal);
    }
}
