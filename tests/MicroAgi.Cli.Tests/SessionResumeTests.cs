using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>--resume without an id at a terminal asks which session; a resumed session shows its last exchange.</summary>
public class SessionResumeTests
{
    [Fact]
    public async Task Resume_without_an_id_lets_the_user_pick_a_session_and_replays_its_last_exchange()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("the older answer"), FakeReply.Say("the newer answer"), FakeReply.Say("answer three"));
        using var cli = CliRunner.ForOpenAI(server);
        await cli.RunWithInputAsync("the older question\n");
        await cli.RunWithInputAsync("the newer question\n");

        var result = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await terminal.WaitForAsync("resume which session?");
            // The second in the list: the older session.
            await terminal.TypeAsync("2\n");
            await terminal.WaitForPromptAfterAsync("/help for commands");
            await terminal.TypeAsync("go on\r");
            await terminal.WaitForPromptAfterAsync("answer three");
            await terminal.TypeAsync("/exit\r");
        }, "--resume");

        Assert.True(result.ExitCode == 0, result.ToString());
        var screen = result.Stdout;
        Assert.True(screen.IndexOf("the newer question", StringComparison.Ordinal) < screen.IndexOf("the older question", StringComparison.Ordinal), screen);
        Assert.Contains("resumed: 2 messages; the last exchange was", screen, StringComparison.Ordinal);
        Assert.Contains("> the older question", screen, StringComparison.Ordinal);
        Assert.True(screen.LastIndexOf("the older answer", StringComparison.Ordinal) > screen.IndexOf("resumed:", StringComparison.Ordinal), screen);
        Assert.Contains("the older question", server.ChatRequests[2].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("the newer question", server.ChatRequests[2].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Piped_resume_without_an_id_takes_the_newest_without_asking()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("one"), FakeReply.Say("two"), FakeReply.Say("three"));
        using var cli = CliRunner.ForOpenAI(server);
        await cli.RunWithInputAsync("first\n");
        await cli.RunWithInputAsync("second\n");

        var result = await cli.RunWithInputAsync("third\n", "--resume");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("resume which session?", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("second", server.ChatRequests[2].Body, StringComparison.Ordinal);
    }
}
