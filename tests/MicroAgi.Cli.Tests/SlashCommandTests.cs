using System.Text.Json.Nodes;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>The REPL's slash commands are answered by MicroAgi itself: the model never sees them and nothing is billed.</summary>
public class SlashCommandTests
{
    [Fact]
    public async Task Help_on_a_terminal_lists_the_commands_and_makes_no_request()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunInTerminalAsync("/help\n/cost\n/nosuch\n/exit\n", whileRunning: null);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var command in new[] { "/model", "/cost", "/clear", "/compact", "/resume", "/tools", "/history", "/undo", "/exit" })
        {
            Assert.Contains(command, result.Stdout, StringComparison.Ordinal);
        }
        Assert.Contains("unknown command /nosuch", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("resume it with: microagi --resume", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(server.ChatRequests);
    }

    [Fact]
    public async Task Model_switches_at_once_and_refuses_a_model_no_provider_can_run()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("from the small model"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunWithInputAsync("/model claude-haiku-4-5\n/model gpt-4.1-nano\nhello\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("no configured provider can run claude-haiku-4-5", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("model gpt-4.1-nano from the next request", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("gpt-4.1-nano", server.ChatRequests.Single().Model);
    }

    [Fact]
    public async Task Clear_forgets_the_conversation_and_a_path_like_line_is_still_a_prompt()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("first answer"), FakeReply.Say("second answer"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunWithInputAsync("first question\n/clear\n/usr/bin/env fails, why?\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, server.ChatRequests.Count);
        Assert.DoesNotContain("first question", server.ChatRequests[1].Body, StringComparison.Ordinal);
        Assert.Contains("/usr/bin/env fails, why?", server.ChatRequests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Undo_rolls_back_the_tool_the_last_turn_created()
    {
        await using var server = FakeOpenAIServer.Start();
        var create = new JsonObject
        {
            ["name"] = "shout",
            ["description"] = "Upper-cases a text",
            ["source"] = "return { handler = function(input) return { text = string.upper(input.text or '') } end }",
            ["schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "string" } } },
            ["modules"] = new JsonArray(),
        };
        server.Enqueue(FakeReply.Call("create_tool", create.ToJsonString(), "c1"), FakeReply.Say("Made it."));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunWithInputAsync("make a shout tool\n/undo\n/undo\n/history\n");
        var list = await cli.RunAsync("registry", "list", "--ns", "app.generated");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[create_tool] ok", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("rolled the registry back to version 0", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("reset app.generated:shout", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing to undo", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("app.generated:shout", list.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, server.ChatRequests.Count);
    }

    [Fact]
    public async Task Tools_lists_what_the_agent_can_call()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunWithInputAsync("/tools\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("doc_search", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("app.tools:create_tool", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(server.ChatRequests);
    }
}

/// <summary>Saved sessions: listed with their first prompt and cost, continued with --continue or an id prefix.</summary>
public class SessionsCommandTests
{
    [Fact]
    public async Task Sessions_list_shows_each_session_and_continue_and_a_prefix_resume_it()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("first answer").WithUsage(1000, 10), FakeReply.Say("continued"), FakeReply.Say("resumed"));
        using var cli = CliRunner.ForOpenAI(server);

        var first = await cli.RunAsync("-p", "the very first question");
        var list = await cli.RunAsync("sessions", "list");
        var id = Path.GetFileNameWithoutExtension(Directory.GetFiles(Path.Combine(cli.StateDirectory, "sessions"), "*.jsonl").Single());
        var continued = await cli.RunAsync("--continue", "-p", "and then?");
        var resumed = await cli.RunAsync("--resume", id[..12], "-p", "and after that?");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id, list.Stdout, StringComparison.Ordinal);
        Assert.Contains("the very first question", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("$0.0026", list.Stdout, StringComparison.Ordinal);
        Assert.True(continued.ExitCode == 0, continued.ToString());
        Assert.Contains("the very first question", server.ChatRequests[1].Body, StringComparison.Ordinal);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("and then?", server.ChatRequests[2].Body, StringComparison.Ordinal);
    }
}
