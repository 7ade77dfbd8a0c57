using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>
/// Whatever goes wrong in one turn — a malformed tool call, a broken response, a failure nobody planned
/// for — the REPL reports it and goes on with the conversation intact, and the saved session resumes.
/// </summary>
public class ReplRobustnessTests
{
    [Fact]
    public async Task A_nameless_tool_call_is_an_error_result_the_next_line_runs_and_the_session_resumes()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Call("", "{}", "nameless"), FakeReply.Say("first answer"), FakeReply.Say("second answer"), FakeReply.Say("resumed answer"));
        using var cli = CliRunner.ForOpenAI(server);

        var piped = await cli.RunWithInputAsync("first question\nsecond question\n");
        var resumed = await cli.RunAsync("--resume", "-p", "third question");

        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.Contains("[] error: the tool call has no name", piped.Stdout, StringComparison.Ordinal);
        Assert.Contains("second answer", piped.Stdout, StringComparison.Ordinal);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resumed answer", resumed.Stdout, StringComparison.Ordinal);
        Assert.Equal(4, server.ChatRequests.Count);
    }

    [Fact]
    public async Task An_unplanned_failure_in_one_turn_is_reported_and_the_next_line_still_runs()
    {
        await using var server = FakeOpenAIServer.Start();
        // The answer fills gpt-5.1's window, and the configured compression model runs on a provider that is
        // not configured: compressing fails in a way the loop does not expect.
        server.Enqueue(FakeReply.Say("first answer").WithUsage(120_000, 20), FakeReply.Say("second answer"));
        using var cli = CliRunner.ForOpenAI(server);
        File.WriteAllText(Path.Combine(cli.StateDirectory, "microagi.yaml"), "compression_model: claude-haiku-4-5\n");

        var result = await cli.RunWithInputAsync("first question\nsecond question\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("first answer", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("claude-haiku-4-5", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("the session goes on", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("second answer", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("first answer", server.ChatRequests[1].Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "text/event-stream", "data: null\n\n", "not a chat completion chunk: null")]
    [InlineData(true, "application/json", "[]", "not a chat completion: []")]
    public async Task A_malformed_answer_is_an_invalid_response_error_and_the_next_line_still_runs(bool noStream, string contentType, string body, string shown)
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.RawResponse(200, contentType, body), FakeReply.Say("second answer"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunWithInputAsync("first question\nsecond question\n", noStream ? ["--no-stream"] : []);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("error:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("could not be understood", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(shown, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("second answer", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("first question", server.ChatRequests[1].Body, StringComparison.Ordinal);
    }
}
