using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;
using MicroAgi.Functions;
using MicroAgi.Llm.Errors;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Runtime;

/// <summary>
/// No message breaks a session: against a fake server that refuses, as a real one does, any request longer
/// than the model's window (a token per four characters), an oversized tool result or answer is cut, a full
/// conversation is compressed or shrunk, and the turns after it still work.
/// </summary>
public class OversizedMessageTests
{
    private const int Window = 100_000;

    /// <summary>What a server with a window of <see cref="Window"/> tokens takes.</summary>
    private static readonly FakeServerOptions RealWindow = new() { ContextLimitCharacters = Window * 4 };

    [Fact]
    public async Task A_900_KB_tool_result_is_cut_to_its_share_of_the_window_and_later_turns_still_work()
    {
        var huge = new string('r', 900_000);
        await using var fx = new LoopFixture(RealWindow, null, Window, LoopFixture.NativeTool("dump"));
        fx.Natives.Register("app.tools:dump", (_, _) => Task.FromResult(FunctionResult.Success(JsonValue.Create(huge))));
        fx.Server.Enqueue(FakeReply.Call("dump", "{}", "d1"), FakeReply.Say("it is long"), FakeReply.Say("still here"));
        var observer = new RecordingObserver();
        var session = fx.NewSession();

        var first = await session.RunTurnAsync("dump it", observer);
        var second = await session.RunTurnAsync("and now?", observer);

        Assert.Equal("it is long", first.Text);
        Assert.Equal("still here", second.Text);
        var sent = (string)fx.Server.ChatRequests[1].Json!["messages"]!.AsArray().Single(m => (string?)m!["role"] == "tool")!["content"]!;
        var cap = ContextBudget.ToolResultCharacters(session.Runner.Model, calls: 1);
        Assert.True(sent.Length <= cap, $"{sent.Length} characters sent");
        Assert.Contains("[cut: this was 900,002 characters", sent, StringComparison.Ordinal);
        Assert.Contains("call the tool again for a smaller part", sent, StringComparison.Ordinal);
        Assert.True(sent.Length > cap / 2, "the result keeps a useful share");
        Assert.Contains(observer.Events, e => e.StartsWith("notice: the result of dump was cut from 900,002", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_5_MB_answer_is_cut_at_the_output_limit_and_later_turns_still_work(bool stream)
    {
        await using var fx = new LoopFixture(RealWindow, new AgentSettings { Stream = stream }, Window);
        fx.Server.Enqueue(FakeReply.Say(new string('a', 5_000_000)).InTextChunksOf(65_536), FakeReply.Say("short again"));
        var observer = new RecordingObserver();
        var session = fx.NewSession();

        var first = await session.RunTurnAsync("talk a lot", observer);
        var second = await session.RunTurnAsync("briefly?", observer);

        // The test agent asks for 512 tokens: no honest answer within them is longer than this.
        var limit = ContextBudget.AnswerCharacters(512);
        Assert.Equal(TurnOutcome.Truncated, first.Outcome);
        Assert.True(observer.Text.Length <= limit + "short again".Length, $"{observer.Text.Length} characters shown");
        var kept = session.Conversation.Messages[1].Text;
        Assert.True(kept.Length < limit + 200, $"{kept.Length} characters kept");
        Assert.Contains("[cut: the answer ran past its output limit of 512 tokens", kept, StringComparison.Ordinal);
        Assert.Contains(observer.Events, e => e.Contains("cut off at the output limit", StringComparison.Ordinal));
        Assert.Equal("short again", second.Text);
    }

    [Fact]
    public async Task A_context_too_long_error_compresses_the_conversation_and_tries_once_more()
    {
        await using var fx = new LoopFixture();
        fx.Server.Enqueue(
            FakeReply.Fail(400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens."),
            FakeReply.Say("SUMMARY: the user asked about the weather"),
            FakeReply.Say("sunny"));
        var observer = new RecordingObserver();
        var session = fx.NewSession(new Conversation(history: [new ChatMessage(ChatRole.User, "earlier talk " + new string('e', 5_000)), new ChatMessage(ChatRole.Assistant, "noted")]));

        var result = await session.RunTurnAsync("weather?", observer);

        Assert.Equal("sunny", result.Text);
        Assert.Contains("notice: the conversation is too long for the model; compressing it and trying again", observer.Events);
        Assert.Equal("small-model", fx.Server.ChatRequests[1].Model);
        var retried = fx.Server.ChatRequests[2].Body;
        Assert.Contains("SUMMARY: the user asked about the weather", retried, StringComparison.Ordinal);
        Assert.Contains("weather?", retried, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('e', 5_000), retried, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_context_too_long_error_ends_the_turn_with_that_error()
    {
        await using var fx = new LoopFixture();
        const string TooLong = "This model's maximum context length is 10 tokens. However, your messages resulted in 90 tokens.";
        fx.Server.Enqueue(FakeReply.Fail(400, TooLong), FakeReply.Say("SUMMARY"), FakeReply.Fail(400, TooLong));

        // Longer than the summary's target, so the compression model is asked.
        var error = await Assert.ThrowsAsync<LlmException>(() => fx.NewSession().RunTurnAsync("hi " + new string('h', 5_000), new RecordingObserver()));

        Assert.Equal(LlmErrorKind.ContextTooLong, error.Kind);
        Assert.Equal(3, fx.Server.ChatRequests.Count);
    }

    [Fact]
    public async Task When_too_long_and_the_summary_fails_the_oldest_messages_are_dropped_and_the_turn_goes_on()
    {
        await using var fx = new LoopFixture();
        fx.Server.Enqueue(
            FakeReply.Fail(400, "prompt is too long: 300000 tokens > 200000 maximum"),
            FakeReply.Fail(500, "the compression model is down"),
            FakeReply.Say("answered anyway"));
        var history = Enumerable.Range(0, 20).SelectMany(i => new[]
        {
            new ChatMessage(ChatRole.User, $"old question {i} " + new string('q', 2_000)),
            new ChatMessage(ChatRole.Assistant, $"old answer {i}"),
        });
        var observer = new RecordingObserver();
        var session = fx.NewSession(new Conversation(history: history));

        var result = await session.RunTurnAsync("the new question", observer);

        Assert.Equal("answered anyway", result.Text);
        Assert.Contains(observer.Events, e => e.StartsWith("notice: context shrunk:", StringComparison.Ordinal));
        var retried = fx.Server.ChatRequests[2].Body;
        Assert.True(retried.Length < fx.Server.ChatRequests[0].Body.Length / 2 + 2_000, "the retry is at most about half the refused request");
        Assert.Contains("dropped without a summary", retried, StringComparison.Ordinal);
        Assert.Contains("the new question", retried, StringComparison.Ordinal);
        Assert.DoesNotContain("old question 0 ", retried, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resumed_session_already_too_big_is_compressed_before_its_first_request()
    {
        await using var fx = new LoopFixture(RealWindow, null, Window);
        fx.Server.Enqueue(FakeReply.Say("fine"));
        // Saved before results were cut: one tool result alone is more than the window.
        List<ChatMessage> history =
        [
            new(ChatRole.User, "dump it"),
            new(ChatRole.Assistant, [new FunctionCallContent("d1", "echo", new Dictionary<string, object?> { ["text"] = "x" })]),
            new(ChatRole.Tool, [new FunctionResultContent("d1", new string('r', 900_000))]),
            new(ChatRole.Assistant, "it is long"),
        ];
        var observer = new RecordingObserver();
        var session = fx.NewSession(new Conversation(history: history));

        var result = await session.RunTurnAsync("and now?", observer);

        Assert.Equal("fine", result.Text);
        // Without the dump, what is left is shorter than a summary: it is kept as the summary, no model call needed.
        var request = fx.Server.ChatRequests.Single().Body;
        Assert.True(request.Length < 100_000, $"a request of {request.Length} characters");
        Assert.Contains("[tool result dropped: 900,", request, StringComparison.Ordinal);
        Assert.Contains(observer.Events, e => e.StartsWith("notice: the conversation is too long to summarise whole", StringComparison.Ordinal));
        Assert.Contains("dropped without a summary", request, StringComparison.Ordinal);
        Assert.Contains("and now?", request, StringComparison.Ordinal);
    }
}
