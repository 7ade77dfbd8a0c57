using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>Answers are rendered as markdown on a terminal that shows styles, and passed as written everywhere else.</summary>
public class MarkdownAnswerTests
{
    private const string Answer = "## Steps\n\n- run **make**\n- then `make test`\n\n```sh\nmake all\n```\n";

    [Fact]
    public async Task On_a_terminal_the_answer_is_rendered()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say(Answer));
        using var cli = ColourTerminal(server);

        var result = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await terminal.WaitForPromptAfterAsync("/help for commands");
            await terminal.TypeAsync("how do I build?\r");
            await terminal.WaitForPromptAfterAsync("make all");
            await terminal.TypeAsync("/exit\r");
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\u001b[0;1;4mSteps", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\u001b[0;1mmake", result.Stdout, StringComparison.Ordinal);
        var plain = MicroAgi.Cli.Repl.Rendering.Ansi.Strip(result.Stdout);
        Assert.Contains("• run make\r\n• then make test", plain, StringComparison.Ordinal);
        Assert.Contains("\n  make all\r\n", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("**make**", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("```", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Piped_or_with_raw_the_answer_is_as_the_model_wrote_it(bool onTerminalWithRaw)
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say(Answer));
        using var cli = ColourTerminal(server);

        var result = onTerminalWithRaw
            ? await cli.RunLiveInTerminalAsync(async terminal =>
            {
                await terminal.WaitForPromptAfterAsync("/help for commands");
                await terminal.TypeAsync("how do I build?\r");
                await terminal.WaitForPromptAfterAsync("make all");
                await terminal.TypeAsync("/exit\r");
            }, "--raw")
            : await cli.RunWithInputAsync("how do I build?\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("- run **make**", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("```sh", result.Stdout, StringComparison.Ordinal);
    }

    private static CliRunner ColourTerminal(FakeOpenAIServer server)
    {
        var cli = CliRunner.ForOpenAI(server);
        cli.Environment["NO_COLOR"] = null;
        cli.Environment["TERM"] = "xterm-256color";
        return cli;
    }
}
