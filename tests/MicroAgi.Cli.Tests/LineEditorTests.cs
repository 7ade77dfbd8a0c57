using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>
/// The REPL's line editor, typed into on a real pseudo-terminal: each test waits for the prompt (the editor has the
/// terminal in raw mode then) and checks what the model was sent.
/// </summary>
public class LineEditorTests
{
    private const string Left = "\u001b[D";
    private const string Up = "\u001b[A";
    private const string Enter = "\r";

    [Theory]
    [InlineData("hello wrld" + Left + Left + Left + "o" + Enter, "hello world")]
    [InlineData("garbage typed\u0015real question" + Enter, "real question")]
    [InlineData("world\u0001hello " + Enter, "hello world")]
    [InlineData("hello bad word\u0017\u0017world" + Enter, "hello world")]
    [InlineData("keep this cut that\u0001\u001b[1;5C\u001b[1;5C\u000b" + Enter, "keep this")]
    [InlineData("two\\" + Enter + "lines" + Enter, "two\\nlines")]
    public async Task Keys_edit_the_line_before_it_is_sent(string keys, string sent)
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("answer one"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await WaitForPromptAsync(terminal, after: "/help for commands");
            await terminal.TypeAsync(keys);
            await WaitForPromptAsync(terminal, after: "answer one");
            await terminal.TypeAsync("/exit" + Enter);
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        var request = server.ChatRequests.Single();
        Assert.Contains($"\"{sent}\"", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bracketed_paste_of_three_lines_is_one_message()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("answer one"), FakeReply.Say("never asked"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await WaitForPromptAsync(terminal, after: "/help for commands");
            await terminal.TypeAsync("\u001b[200~line one\rline two\nline three\u001b[201~" + Enter);
            await WaitForPromptAsync(terminal, after: "answer one");
            await terminal.TypeAsync("/exit" + Enter);
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        var request = server.ChatRequests.Single();
        Assert.Contains("\"line one\\nline two\\nline three\"", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_recalls_a_prompt_of_an_earlier_session()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("answer one"), FakeReply.Say("answer two"));
        using var cli = CliRunner.ForOpenAI(server);

        var first = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await WaitForPromptAsync(terminal, after: "/help for commands");
            await terminal.TypeAsync("the first prompt" + Enter);
            await WaitForPromptAsync(terminal, after: "answer one");
            await terminal.TypeAsync("/exit" + Enter);
        });
        var second = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await WaitForPromptAsync(terminal, after: "/help for commands");
            // Up twice: past /exit to the prompt before it.
            await terminal.TypeAsync(Up + Up + Enter);
            await WaitForPromptAsync(terminal, after: "answer two");
            await terminal.TypeAsync("\u0004");
        });

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(2, server.ChatRequests.Count);
        Assert.Contains("\"the first prompt\"", server.ChatRequests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_clears_a_typed_line_and_twice_at_an_empty_prompt_leaves()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await WaitForPromptAsync(terminal, after: "/help for commands");
            await terminal.TypeAsync("never sent\u0003");
            await terminal.WaitForAsync("^C");
            await terminal.TypeAsync("\u0003\u0003");
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("press Ctrl+C again to exit", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(server.ChatRequests);
    }

    [Fact]
    public async Task Tab_completes_a_slash_command()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await WaitForPromptAsync(terminal, after: "/help for commands");
            await terminal.TypeAsync("/co\t");
            // Two commands start with /co: Tab lists them.
            await terminal.WaitForAsync("/compact");
            await terminal.TypeAsync("s\t" + Enter);
            await terminal.WaitForAsync("0 out");
            await terminal.TypeAsync("/ex\t" + Enter);
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("/cost  /compact", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(server.ChatRequests);
    }

    [Fact]
    public async Task A_line_longer_than_the_window_is_drawn_over_several_rows_and_edited_anywhere()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("answer one"));
        using var cli = CliRunner.ForOpenAI(server);
        var words = string.Join(' ', Enumerable.Range(0, 40).Select(i => "word" + i));

        var result = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await WaitForPromptAsync(terminal, after: "/help for commands");
            // Home on the third row, then back to the end: the editor moves up and down its rows.
            await terminal.TypeAsync(words + "\u0001X\u0005 end" + Enter);
            await WaitForPromptAsync(terminal, after: "answer one");
            await terminal.TypeAsync("/exit" + Enter);
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"\"X{words} end\"", server.ChatRequests.Single().Body, StringComparison.Ordinal);
        // From the cursor's row (at the end, rows below the prompt's) up to the prompt's to draw again.
        Assert.Matches(@"\u001b\[[1-9][0-9]*A\r> Xword0", result.Stdout);
    }

    [Fact]
    public async Task Tab_completes_a_registry_entry_id_in_a_prompt()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("answer one"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await WaitForPromptAsync(terminal, after: "/help for commands");
            await terminal.TypeAsync("what is app:dev_a\t" + Enter);
            await WaitForPromptAsync(terminal, after: "answer one");
            await terminal.TypeAsync("/exit" + Enter);
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("what is app:dev_assistant", server.ChatRequests.Single().Body, StringComparison.Ordinal);
    }

    /// <summary>Waits until the editor has drawn its prompt after <paramref name="after"/> was shown.</summary>
    private static async Task WaitForPromptAsync(LiveTerminal terminal, string after)
    {
        await terminal.WaitForAsync(after);
        while (true)
        {
            var screen = terminal.Screen;
            var at = screen.LastIndexOf(after, StringComparison.Ordinal);
            if (screen.IndexOf("\r> ", at, StringComparison.Ordinal) >= 0) return;
            if (terminal.Finished.IsCompleted) throw new InvalidOperationException($"no prompt after '{after}':\n{screen}");
            await Task.Delay(50);
        }
    }
}
