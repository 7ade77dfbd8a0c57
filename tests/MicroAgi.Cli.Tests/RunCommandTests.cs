using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>The real microagi binary with -p (or piped stdin) against our fake LLM servers.</summary>
public class RunCommandTests
{
    [Fact]
    public async Task Without_any_provider_it_says_what_to_set_and_exits_with_the_usage_code()
    {
        using var cli = new CliRunner();
        var result = await cli.RunAsync("-p", "hello");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("OPENAI_API_KEY", result.Stderr);
        Assert.Contains("ANTHROPIC_API_KEY", result.Stderr);
        Assert.Contains("--base-url", result.Stderr);
    }

    [Fact]
    public async Task A_prompt_streams_the_answer_and_a_usage_line_then_exits()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("Hello from the fake model.").InTextChunksOf(4).WithUsage(1000, 20));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "hello");

        Assert.True(result.ExitCode == 0, result.ToString());
        // stdout is the answer alone; the cost line is on stderr.
        Assert.Equal("Hello from the fake model.\n", result.Stdout);
        Assert.Contains("1,000 in", result.Stderr);
        Assert.Contains("$", result.Stderr);
        var request = server.ChatRequests.Single();
        Assert.Equal("gpt-5.1", request.Model);
        Assert.True(request.IsStreaming);
        Assert.Contains("Self-modifying MicroAgi development agent", request.Body);
        Assert.Contains("doc_search", request.Body);
    }

    [Fact]
    public async Task Piped_stdin_runs_one_turn_per_line_in_one_conversation()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("first answer"), FakeReply.Say("second answer"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunWithInputAsync("first question\n\nsecond question\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("first answer", result.Stdout);
        Assert.Contains("second answer", result.Stdout);
        Assert.Contains("first question", server.ChatRequests[1].Body);
        Assert.Contains("first answer", server.ChatRequests[1].Body);
    }

    [Fact]
    public async Task A_rejected_key_is_a_clear_error_that_never_shows_the_key()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Fail(401, $"Incorrect API key provided: {CliRunner.TestKey}"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "hello");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("OPENAI_API_KEY", result.Stderr);
        Assert.DoesNotContain(CliRunner.TestKey, result.Stdout + result.Stderr);
        var transcripts = Directory.GetFiles(Path.Combine(cli.StateDirectory, "sessions"), "*.jsonl");
        Assert.DoesNotContain(transcripts, t => File.ReadAllText(t).Contains("sk-test-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Model_and_no_stream_flags_reach_the_server()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("local answer"));
        using var cli = new CliRunner();

        var result = await cli.RunAsync("--base-url", server.BaseUrl.ToString(), "--model", "llama3.1", "--no-stream", "-p", "hi");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("local answer", result.Stdout);
        Assert.Equal("llama3.1", server.ChatRequests.Single().Model);
        Assert.False(server.ChatRequests.Single().IsStreaming);
    }

    [Fact]
    public async Task Resume_continues_the_saved_conversation()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("my name is Fake"), FakeReply.Say("you asked my name"));
        using var cli = CliRunner.ForOpenAI(server);

        var first = await cli.RunAsync("-p", "what is your name?");
        Assert.True(first.ExitCode == 0, first.ToString());
        var second = await cli.RunAsync("--resume", "-p", "what did I ask?");
        Assert.True(second.ExitCode == 0, second.ToString());

        Assert.Contains("what is your name?", server.ChatRequests[1].Body);
        Assert.Contains("my name is Fake", server.ChatRequests[1].Body);
    }

    [Fact]
    public async Task Anthropic_key_alone_runs_the_anthropic_model()
    {
        await using var server = FakeAnthropicServer.Start();
        server.Enqueue(FakeReply.Say("hello from claude").WithUsage(50, 5));
        using var cli = new CliRunner();
        cli.Environment["ANTHROPIC_API_KEY"] = "sk-ant-test";
        cli.Environment["ANTHROPIC_BASE_URL"] = server.BaseUrl.ToString();

        var result = await cli.RunAsync("-p", "hi");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("hello from claude", result.Stdout);
        Assert.Equal("claude-sonnet-4-5", server.ChatRequests.Single().Model);
    }

    [Fact]
    public async Task A_broken_config_file_names_the_line()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);
        File.WriteAllText(Path.Combine(cli.StateDirectory, "microagi.yaml"), "model: x\nsandbox:\n  memroy_mb: 3\n");

        var result = await cli.RunAsync("-p", "hi");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("microagi.yaml:3: unknown setting 'sandbox.memroy_mb'; did you mean 'memory_mb'?", result.Stderr);
        Assert.DoesNotContain("MicroAgi.Cli", result.Stderr);
        Assert.DoesNotContain("type", result.Stderr);
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_a_clear_error()
    {
        using var cli = new CliRunner();
        cli.Environment["OPENAI_BASE_URL"] = LoopbackPorts.UnusedUrl().ToString();

        var result = await cli.RunAsync("-p", "hi");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("error:", result.Stderr);
        Assert.Contains("127.0.0.1", result.Stderr);
    }

    [Fact]
    public async Task Ctrl_C_cancels_the_running_turn_and_the_transcript_keeps_the_request()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("a long answer that stalls half way through").InTextChunksOf(4) with { StallAfterEvents = 3 });
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync(null, async process =>
        {
            await server.WaitForChatRequestsAsync(1, TimeSpan.FromSeconds(60));
            await Task.Delay(500);
            using var kill = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
        }, "-p", "tell me a story");

        Assert.Equal(130, result.ExitCode);
        Assert.Contains("cancelled", result.Stderr);
        var transcript = Directory.GetFiles(Path.Combine(cli.StateDirectory, "sessions"), "*.jsonl").Single();
        Assert.Contains("tell me a story", File.ReadAllText(transcript));
    }

    [Fact]
    public async Task Timeout_gives_up_a_turn_on_a_silent_server_and_the_wait_is_announced()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.NoAnswer());
        using var cli = CliRunner.ForOpenAI(server);
        var config = cli.WriteFile("microagi.yaml", "timeouts: {notice_seconds: 0.5}\n");

        var result = await cli.RunAsync("--config", config, "--timeout", "3", "-p", "hello?");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the turn took longer than --timeout 3 s and was stopped", result.Stderr);
        Assert.Contains("waiting for the model…", result.Stderr);
        Assert.Contains("(attempt 1 of 4,", result.Stderr);
        Assert.DoesNotContain("waiting for the model", result.Stdout);
    }

    /// <summary>
    /// The two timeouts end a turn with different codes (README, exit codes): the user's own --timeout is a
    /// limit they set (1, as a spent budget is); the provider's idle timeout is the provider failing (3).
    /// </summary>
    [Fact]
    public async Task The_providers_idle_timeout_is_a_provider_failure_even_under_a_longer_timeout()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("starts then stalls").InTextChunksOf(3).StallAfter(3));
        using var cli = CliRunner.ForOpenAI(server);
        var config = cli.WriteFile("microagi.yaml", "retry: {max_retries: 0}\ntimeouts: {idle_seconds: 1}\n");

        var result = await cli.RunAsync("--config", config, "--timeout", "120", "-p", "hello?");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("sent nothing for 1 s", result.Stderr);
        Assert.DoesNotContain("--timeout", result.Stderr);
    }

    [Fact]
    public async Task A_silent_server_is_given_up_at_the_deadline_with_every_retry_inside_it()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.NoAnswer(), FakeReply.NoAnswer(), FakeReply.NoAnswer(), FakeReply.NoAnswer());
        using var cli = CliRunner.ForOpenAI(server);
        var config = cli.WriteFile("microagi.yaml", """
            retry: {base_delay_seconds: 0.1, max_delay_seconds: 0.2}
            timeouts: {request_seconds: 1, deadline_seconds: 4.5, notice_seconds: 0.5}
            """);

        var result = await cli.RunAsync("--config", config, "-p", "hello?");

        Assert.Equal(3, result.ExitCode); // the provider failed (docs: exit codes)
        Assert.Contains("did not start answering", result.Stderr);
        Assert.Contains("all together 4.5 s", result.Stderr);
        // A 1 s attempt leaves room for a retry inside 4.5 s even when a busy machine starts the process late.
        Assert.Contains("no answer in time, retrying in", result.Stderr);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    public async Task A_timeout_that_is_not_a_positive_number_of_seconds_is_refused(string value)
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync("--timeout", value, "-p", "hello?");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--timeout", result.Stderr);
    }
}
