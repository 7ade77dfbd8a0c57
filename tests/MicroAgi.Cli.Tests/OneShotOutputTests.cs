using System.Text.Json.Nodes;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>-p for scripts: the answer alone on stdout, or --output-format json / stream-json for programs.</summary>
public class OneShotOutputTests
{
    [Fact]
    public async Task Json_output_is_one_object_with_the_answer_tool_calls_usage_cost_and_session()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Call("doc_search", """{"query":"time"}""", "c1").WithUsage(1000, 10), FakeReply.Say("It is \u001b[1mnoon\u001b[0m.").WithUsage(1200, 20));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "what time is it?", "--output-format", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("result", (string?)json["type"]);
        Assert.Equal("answered", (string?)json["outcome"]);
        Assert.Equal("It is \u001b[1mnoon\u001b[0m.", (string?)json["answer"]);
        Assert.Equal("doc_search", (string?)json["tool_calls"]![0]!["name"]);
        Assert.True((bool)json["tool_calls"]![0]!["ok"]!);
        Assert.Equal(2200, (long)json["usage"]!["input_tokens"]!);
        Assert.Equal(2, (int)json["usage"]!["requests"]!);
        Assert.True((decimal)json["cost_usd"]! > 0);
        var session = (string)json["session_id"]!;
        Assert.True(File.Exists(Path.Combine(cli.StateDirectory, "sessions", session + ".jsonl")), session);
        Assert.Contains("[doc_search] ok", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_that_shows_colours_tool_lines_are_coloured_and_a_hostile_tool_name_is_one_line_of_text()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(
            FakeReply.Call("doc_search", """{"query":"time"}""", "c1"),
            FakeReply.Call("x\u001b[2J\n[y] ok", "{}", "c2"),
            FakeReply.Say("Noon."));
        using var cli = CliRunner.ForOpenAI(server);
        cli.Environment["NO_COLOR"] = null;
        cli.Environment["TERM"] = "xterm-256color";

        var result = await cli.RunInTerminalAsync("", null, "-p", "what time is it?");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[doc_search] \u001b[32mok\u001b[0m", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[x␛[2J [y] ok] \u001b[31merror:\u001b[0m ", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[2J", result.Stdout, StringComparison.Ordinal);
        // The cost line, dimmed.
        Assert.Matches(@"\u001b\[2m[^\n]* · session [^\n]*\u001b\[0m", result.Stdout);
    }

    [Theory]
    [InlineData("1", "xterm-256color", true)]
    [InlineData(null, "dumb", true)]
    [InlineData(null, "xterm-256color", false)]
    public async Task With_NO_COLOR_TERM_dumb_or_piped_output_the_status_lines_carry_no_colours(string? noColor, string term, bool onTerminal)
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Call("doc_search", """{"query":"time"}""", "c1"), FakeReply.Call("nope", "{}", "c2"), FakeReply.Say("Noon."));
        using var cli = CliRunner.ForOpenAI(server);
        cli.Environment["NO_COLOR"] = noColor;
        cli.Environment["TERM"] = term;

        var result = onTerminal ? await cli.RunInTerminalAsync("", null, "-p", "what time is it?") : await cli.RunAsync("-p", "what time is it?");

        Assert.True(result.ExitCode == 0, result.ToString());
        var status = onTerminal ? result.Stdout : result.Stderr;
        Assert.Contains("[doc_search] ok", status, StringComparison.Ordinal);
        Assert.Contains("[nope] error: ", status, StringComparison.Ordinal);
        Assert.Contains(" · session ", status, StringComparison.Ordinal);
        // No colour or style (.NET itself switches an xterm's keypad mode, ESC[?1h ESC=, which shows nothing).
        Assert.DoesNotMatch(@"\u001b\[[0-9;]*m", status);
    }

    [Fact]
    public async Task Stream_json_output_is_one_event_per_line_ending_with_the_result()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Call("doc_search", """{"query":"time"}""", "c1"), FakeReply.Say("Noon.").InTextChunksOf(2));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "what time is it?", "--output-format", "stream-json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var events = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToList();
        Assert.Equal("tool", (string?)events[0]["type"]);
        Assert.Equal("doc_search", (string?)events[0]["name"]);
        Assert.Equal("Noon.", string.Concat(events.Where(e => (string?)e["type"] == "text").Select(e => (string?)e["text"])));
        Assert.True(events.Count(e => (string?)e["type"] == "text") > 1);
        Assert.Equal("result", (string?)events[^1]["type"]);
        Assert.Equal("Noon.", (string?)events[^1]["answer"]);
    }

    [Fact]
    public async Task A_failed_turn_still_prints_a_json_result_with_the_error_and_exits_3()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Fail(401, "bad key"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "hi", "--output-format", "json");

        Assert.True(result.ExitCode == 3, result.ToString());
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("failed", (string?)json["outcome"]);
        Assert.Contains("OPENAI_API_KEY", (string?)json["error"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-p", "hi", "--output-format", "yaml")]
    [InlineData("--output-format", "json")]
    public async Task An_unusable_output_format_is_a_usage_error(params string[] args)
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--output-format", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.ChatRequests);
    }

    [Fact]
    public async Task A_spent_budget_stops_the_turn_before_the_next_model_request()
    {
        await using var server = FakeOpenAIServer.Start();
        // At gpt-5.1's $2.50 per million prompt tokens, 50,000 of them cost $0.125: the first request spends the budget
        // (and stays under the 75% of the window that would compress the conversation).
        server.Enqueue(FakeReply.Call("doc_search", """{"query":"time"}""", "c1").WithUsage(50_000, 10), FakeReply.Say("never sent"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "what time is it?", "--max-budget-usd", "0.1", "--output-format", "json");

        Assert.True(result.ExitCode == 1 && server.ChatRequests.Count == 1, result.ToString());
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("budget_exceeded", (string?)json["outcome"]);
        Assert.Contains("--max-budget-usd", (string?)json["error"], StringComparison.Ordinal);
        Assert.True((decimal)json["cost_usd"]! > 0.1m);
        Assert.Contains("budget", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_configured_session_budget_stops_the_second_piped_turn()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("first answer").WithUsage(50_000, 10), FakeReply.Say("never sent"));
        using var cli = CliRunner.ForOpenAI(server);
        File.WriteAllText(Path.Combine(cli.StateDirectory, "microagi.yaml"), "budget:\n  session_usd: 0.1\n");

        var result = await cli.RunWithInputAsync("first question\nsecond question\n");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("first answer", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("budget.session_usd", result.Stderr, StringComparison.Ordinal);
        Assert.Single(server.ChatRequests);
    }

    [Theory]
    [InlineData("--max-budget-usd", "0")]
    [InlineData("--max-budget-usd", "-1")]
    public async Task A_budget_that_is_not_a_positive_amount_is_a_usage_error(params string[] args)
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync(["-p", "hi", .. args]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--max-budget-usd must be an amount of US dollars above 0", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.ChatRequests);
    }
}
