using System.Text.Json.Nodes;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>Profiles and file memory through the real binary and the scripted model.</summary>
public sealed class ProfileCliTests
{
    private static string SystemPrompt(FakeLlmServer server, int request) =>
        (string)server.ChatRequests[request].Json!["messages"]!.AsArray().First(m => (string?)m!["role"] == "system")!["content"]!;

    private static List<string?> OfferedTools(FakeLlmServer server, int request) =>
        [.. server.ChatRequests[request].Json!["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"])];

    [Fact]
    public async Task What_the_user_asks_to_remember_in_one_session_is_known_in_the_next()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);
        var created = await cli.RunAsync("profile", "new", "mem", "--name", "Memory test");
        var directory = Path.Combine(cli.StateDirectory, "profiles", "mem");
        // The profile's own approval mode lets the agent write its memory in a one-shot run.
        File.WriteAllText(Path.Combine(directory, "config.json"), """{"name": "Memory test", "approval": "auto-edit"}""");
        var memory = Path.Combine(directory, "memory.md");
        var workspace = Path.GetDirectoryName(cli.WriteFile("workspace/.keep", ""))!;
        var config = cli.WriteFile("microagi.yaml", $"tools:\n  workspace: {workspace}\n");
        server.Enqueue(
            FakeReply.Call("read", new JsonObject { ["path"] = memory }.ToJsonString(), "r1"),
            FakeReply.Call("write", new JsonObject { ["path"] = memory, ["content"] = "- favourite colour: teal\n" }.ToJsonString(), "w1"),
            FakeReply.Say("I will remember that."),
            FakeReply.Say("Teal."));

        var first = await cli.RunAsync("-p", "Remember that my favourite colour is teal.", "--profile", "mem", "--config", config);
        var second = await cli.RunAsync("-p", "What is my favourite colour?", "--profile", "mem", "--config", config);

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("[write] ok", first.Stderr, StringComparison.Ordinal);
        Assert.Equal("- favourite colour: teal\n", File.ReadAllText(memory));
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("memory.md is empty.", SystemPrompt(server, 0), StringComparison.Ordinal);
        Assert.Contains("when the user asks you to remember something", SystemPrompt(server, 0), StringComparison.Ordinal);
        Assert.Contains("Current memory.md:\n\n- favourite colour: teal", SystemPrompt(server, 3), StringComparison.Ordinal);
        Assert.Contains($"## Profile: Memory test (mem) at {directory}", SystemPrompt(server, 3), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_profile_files_agents_md_and_tool_policy_shape_the_session()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("ok"));
        using var cli = CliRunner.ForOpenAI(server);
        await cli.RunAsync("profile", "new", "coder");
        var directory = Path.Combine(cli.StateDirectory, "profiles", "coder");
        File.WriteAllText(Path.Combine(directory, "config.json"), """
            {"tools": {"allow": ["group:fs", "group:runtime"], "byProvider": {"OpenAI": {"deny": ["process"]}}}}
            """);
        File.WriteAllText(Path.Combine(directory, "soul.md"), "You are a careful reviewer.");
        var workspace = Path.GetDirectoryName(cli.WriteFile("workspace/AGENTS.md", "Always run the linter."))!;
        var config = cli.WriteFile("microagi.yaml", $"tools:\n  workspace: {workspace}\n");

        // --tools-allow names exec and web_fetch: it narrows the profile to exec and never adds web_fetch.
        var result = await cli.RunAsync("-p", "hi", "--profile", "coder", "--config", config, "--tools-allow", "exec,web_fetch,process");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["exec"], OfferedTools(server, 0));
        var prompt = SystemPrompt(server, 0);
        Assert.Contains("You are a careful reviewer.", prompt, StringComparison.Ordinal);
        Assert.Contains("Always run the linter.", prompt, StringComparison.Ordinal);
        Assert.Contains($"## Profile: coder (coder) at {directory}", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_profile_stops_the_run_with_the_file_and_the_problem()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);
        await cli.RunAsync("profile", "new", "broken");
        File.WriteAllText(Path.Combine(cli.StateDirectory, "profiles", "broken", "config.json"), """{"tools": {"alow": ["read"]}}""");

        var bad = await cli.RunAsync("-p", "hi", "--profile", "broken");
        var missing = await cli.RunAsync("-p", "hi", "--profile", "nobody");

        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("config.json: unknown field \"tools.alow\"", bad.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("there is no profile 'nobody'", missing.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.ChatRequests);
    }

    [Fact]
    public async Task Profile_list_show_and_tools_list_read_the_profiles()
    {
        using var cli = new CliRunner();
        await cli.RunAsync("profile", "new", "coder", "--name", "Coder");
        File.WriteAllText(Path.Combine(cli.StateDirectory, "profiles", "coder", "config.json"), """
            {"name": "Coder", "model": "gpt-5.1", "tools": {"deny": ["group:web", "telnet"]}}
            """);

        var list = await cli.RunAsync("profile", "list");
        var show = await cli.RunAsync("profile", "show", "coder");
        var tools = await cli.RunAsync("tools", "list", "--profile", "coder", "--provider", "openai");

        Assert.Contains("coder                Coder · model gpt-5.1", list.Stdout, StringComparison.Ordinal);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("tools.deny    group:web, telnet", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("warning: profile coder tools.deny: unknown tool 'telnet'", show.Stderr, StringComparison.Ordinal);
        Assert.Contains("web_fetch        global    denied by 'group:web' (profile coder tools.deny)", tools.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tools_list_without_a_profile_applies_the_default_profile_as_run_does()
    {
        using var cli = new CliRunner();
        var before = await cli.RunAsync("tools", "list", "--provider", "openai");
        await cli.RunAsync("profile", "new", "default", "--name", "Default");
        File.WriteAllText(Path.Combine(cli.StateDirectory, "profiles", "default", "config.json"), """
            {"name": "Default", "tools": {"deny": ["exec"]}}
            """);

        var after = await cli.RunAsync("tools", "list", "--provider", "openai");

        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.DoesNotContain("denied by 'exec'", before.Stdout, StringComparison.Ordinal);
        Assert.Contains("denied by 'exec' (profile default tools.deny)", after.Stdout, StringComparison.Ordinal);
    }
}
