using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>
/// The REPL as a user meets it: the real binary on a pseudo-terminal, keys typed in, and what the
/// terminal shows; plus the line-per-turn mode scripts use when they pipe prompts in.
/// </summary>
public class ReplTests
{
    [Fact]
    public async Task The_terminal_shows_the_banner_the_prompt_the_answer_and_quit_leaves()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("Hello from the REPL.").InTextChunksOf(5).WithUsage(1000, 20));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunInTerminalAsync("hello\n", async process =>
        {
            await server.WaitForChatRequestsAsync(1, TimeSpan.FromSeconds(60));
            await process.StandardInput.WriteAsync("quit\n");
            await process.StandardInput.FlushAsync();
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        var shown = result.Stdout.ReplaceLineEndings("\n");
        Assert.Contains("dev assistant (quit to exit)\n", shown);
        Assert.Contains("> ", shown);
        Assert.Contains("Hello from the REPL.", shown);
        Assert.Contains("1,000 in", shown);
        Assert.True(shown.IndexOf("dev assistant", StringComparison.Ordinal) < shown.IndexOf("Hello from the REPL.", StringComparison.Ordinal));
        Assert.Single(server.ChatRequests);
    }

    [Fact]
    public async Task The_models_reasoning_shows_on_a_terminal_and_stays_out_of_a_scripts_output()
    {
        await using var server = FakeOpenAIServer.Start();
        var reply = FakeReply.Say("Four.").AfterThinking("Two plus two makes four.", signature: "unused");
        server.Enqueue(reply, reply);
        using var cli = CliRunner.ForOpenAI(server);

        var onTerminal = await cli.RunInTerminalAsync("2+2?\n", async process =>
        {
            await server.WaitForChatRequestsAsync(1, TimeSpan.FromSeconds(60));
            await process.StandardInput.WriteAsync("quit\n");
            await process.StandardInput.FlushAsync();
        });
        var scripted = await cli.RunAsync("-p", "2+2?");

        Assert.True(onTerminal.ExitCode == 0, onTerminal.ToString());
        Assert.Contains("Two plus two makes four.", onTerminal.Stdout, StringComparison.Ordinal);
        Assert.Contains("Four.", onTerminal.Stdout, StringComparison.Ordinal);
        Assert.True(scripted.ExitCode == 0, scripted.ToString());
        Assert.StartsWith("Four.", scripted.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Two plus two", scripted.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_twice_leaves()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("ready"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunInTerminalAsync("hello\n", async process =>
        {
            // Once the first request is in, the REPL has installed its Ctrl+C handling.
            await server.WaitForChatRequestsAsync(1, TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            await process.StandardInput.WriteAsync("\u0003");
            await process.StandardInput.FlushAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            await process.StandardInput.WriteAsync("\u0003");
            await process.StandardInput.FlushAsync();
        });

        // Whether the first Ctrl+C cancelled the turn or met the prompt, the second one leaves.
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(server.ChatRequests);
    }

    [Fact]
    public async Task A_piped_quit_line_ends_the_run_without_asking_the_model()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("first answer"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunWithInputAsync("first question\nquit\nnever asked\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(server.ChatRequests);
        Assert.DoesNotContain(server.ChatRequests, r => r.Body.Contains("never asked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_full_context_is_compressed_by_the_cheap_model_and_the_next_turn_builds_on_the_summary()
    {
        await using var server = FakeOpenAIServer.Start();
        // gpt-5.1's window is 128,000 tokens: 120,000 prompt tokens pass the 75% mark, and an answer
        // longer than the 4,000-character summary target makes the summary worth a model call.
        var longAnswer = string.Concat(Enumerable.Repeat("Here is a long first answer. ", 200));
        server.Enqueue(
            FakeReply.Say(longAnswer).WithUsage(120_000, 20),
            FakeReply.Say("SUMMARY: the user asked a first question and got an answer."),
            FakeReply.Say("second answer").WithUsage(2_000, 5));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunWithInputAsync("first question\nsecond question\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("context compressed", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(["gpt-5.1", "gpt-4.1-nano", "gpt-5.1"], server.ChatRequests.Select(r => r.Model));
        var third = server.ChatRequests[2].Body;
        Assert.Contains("Conversation summary", third, StringComparison.Ordinal);
        Assert.Contains("SUMMARY: the user asked a first question", third, StringComparison.Ordinal);
        Assert.Contains("second question", third, StringComparison.Ordinal);
        var transcript = Directory.GetFiles(Path.Combine(cli.StateDirectory, "sessions"), "*.jsonl").Single();
        Assert.Contains("replace", File.ReadAllText(transcript), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_answer_line_reaches_a_pipe_unbroken_and_byte_for_byte()
    {
        var longLine = string.Concat(Enumerable.Range(0, 80).Select(i => $"item{i},"));
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say(longLine + "\u001b]0;pwned\u0007\u001b[2Jdone"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("--no-stream", "-p", "list the items");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(longLine + "\u001b]0;pwned\u0007\u001b[2Jdone", result.Stdout, StringComparison.Ordinal);
    }
}

/// <summary>While the model is silent, a terminal shows a spinner with the elapsed time and how to interrupt; it goes when the turn ends.</summary>
public class ProgressTests
{
    [Fact]
    public async Task A_spinner_shows_while_the_model_is_silent_and_is_erased_when_the_turn_ends()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.NoAnswer());
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunInTerminalAsync("hello\n", async process =>
        {
            await server.WaitForChatRequestsAsync(1, TimeSpan.FromSeconds(60));
            await process.StandardInput.WriteAsync("\u0003");
            await process.StandardInput.FlushAsync();
            await process.StandardInput.WriteAsync("quit\n");
            await process.StandardInput.FlushAsync();
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        var shown = result.Stdout;
        var spinner = shown.LastIndexOf("thinking… ", StringComparison.Ordinal);
        Assert.True(spinner >= 0, shown);
        Assert.Contains(" s · Ctrl+C to interrupt", shown[spinner..], StringComparison.Ordinal);
        var cancelled = shown.IndexOf("cancelled", spinner, StringComparison.Ordinal);
        Assert.True(cancelled > spinner, shown);
        // Erased (carriage return, blanks, carriage return) before "cancelled" is written.
        Assert.Matches("\r +\r", shown[spinner..cancelled]);
    }

    [Fact]
    public async Task A_one_shot_run_shows_no_spinner()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Call("doc_search", """{"query":"time"}""", "c1"), FakeReply.Say("Noon."));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "what time is it?");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("Ctrl+C to interrupt", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
