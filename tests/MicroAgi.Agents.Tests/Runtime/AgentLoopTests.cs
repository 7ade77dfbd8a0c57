using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;
using MicroAgi.Llm.Errors;
using MicroAgi.Registry;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Runtime;

public class AgentLoopTests
{
    [Fact]
    public async Task A_text_answer_is_streamed_to_the_observer_and_kept_in_the_conversation()
    {
        await using var fx = new LoopFixture();
        fx.Server.Enqueue(FakeReply.Say("Hello there, how can I help?").InTextChunksOf(5).WithUsage(120, 8));
        var session = fx.NewSession();
        var observer = new RecordingObserver();

        var result = await session.RunTurnAsync("hi", observer);

        Assert.Equal(TurnOutcome.Answered, result.Outcome);
        Assert.Equal("Hello there, how can I help?", result.Text);
        Assert.True(observer.Events.Count(e => e.StartsWith("text:", StringComparison.Ordinal)) > 1, "the answer should arrive in pieces");
        Assert.Equal("Hello there, how can I help?", observer.Text);
        Assert.Equal([ChatRole.User, ChatRole.Assistant], session.Conversation.Messages.Select(m => m.Role));
        Assert.Equal(120, result.Usage.Tokens.Input);
        var request = fx.Server.ChatRequests.Single().Json!;
        Assert.Equal("big-model", (string?)request["model"]);
        Assert.Equal("You are a test agent.", (string?)request["messages"]![0]!["content"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_models_reasoning_is_shown_apart_from_the_answer(bool stream)
    {
        await using var fx = new LoopFixture(new AgentSettings { Stream = stream });
        fx.Server.Enqueue(FakeReply.Say("Four.").AfterThinking("Two plus two is four.", signature: "unused").InTextChunksOf(8));
        var observer = new RecordingObserver();

        var result = await fx.NewSession().RunTurnAsync("2+2?", observer);

        Assert.Equal("Four.", result.Text);
        Assert.Equal("Four.", observer.Text);
        Assert.Equal("Two plus two is four.", string.Concat(observer.Events.Where(e => e.StartsWith("reasoning:", StringComparison.Ordinal)).Select(e => e[10..])));
    }

    [Fact]
    public async Task A_tool_call_streamed_in_many_pieces_runs_and_its_result_reaches_the_next_step()
    {
        await using var fx = new LoopFixture();
        fx.Server.Enqueue(
            FakeReply.Call("echo", """{"text":"a fairly long argument value"}""", "call_1").InArgumentChunksOf(3),
            FakeReply.Say("The echo said: a fairly long argument value"));
        var session = fx.NewSession();
        var observer = new RecordingObserver();

        var result = await session.RunTurnAsync("echo something", observer);

        Assert.Equal("The echo said: a fairly long argument value", result.Text);
        Assert.Contains("[echo] ok", observer.Events);
        var second = fx.Server.ChatRequests[1].Json!["messages"]!.AsArray();
        var toolMessage = second.Single(m => (string?)m!["role"] == "tool")!;
        Assert.Equal("call_1", (string?)toolMessage["tool_call_id"]);
        Assert.Contains("a fairly long argument value", (string?)toolMessage["content"]);
        Assert.Equal(2, result.Steps);
    }

    [Fact]
    public async Task Two_parallel_tool_calls_both_run_and_both_results_are_sent()
    {
        await using var fx = new LoopFixture();
        fx.Server.Enqueue(
            FakeReply.CallTools(new FakeToolCall("c1", "echo", """{"text":"one"}"""), new FakeToolCall("c2", "echo", """{"text":"two"}""")),
            FakeReply.Say("done"));
        var observer = new RecordingObserver();

        await fx.NewSession().RunTurnAsync("twice", observer);

        Assert.Equal(2, observer.Events.Count(e => e == "[echo] ok"));
        var results = fx.Server.ChatRequests[1].Json!["messages"]!.AsArray().Where(m => (string?)m!["role"] == "tool").ToList();
        Assert.Equal(["c1", "c2"], results.Select(r => (string?)r!["tool_call_id"]));
    }

    [Theory]
    [InlineData("no_such_tool", """{"text":"x"}""", "unknown tool 'no_such_tool'")]
    [InlineData("echo", """{"text": 5}""", "text")]
    [InlineData("explode", "{}", "kaboom")]
    [InlineData("slow", "{}", "timed out")]
    public async Task A_bad_or_failing_tool_call_becomes_an_error_result_and_the_turn_goes_on(string tool, string arguments, string expected)
    {
        await using var fx = new LoopFixture();
        fx.Server.Enqueue(FakeReply.Call(tool, arguments, "bad"), FakeReply.Say("recovered"));
        var session = fx.NewSession();
        var observer = new RecordingObserver();

        var result = await session.RunTurnAsync("try it", observer);

        Assert.Equal("recovered", result.Text);
        Assert.Contains(observer.Events, e => e.StartsWith($"[{tool}] error:", StringComparison.Ordinal) && e.Contains(expected, StringComparison.Ordinal));
        var toolMessage = fx.Server.ChatRequests[1].Json!["messages"]!.AsArray().Single(m => (string?)m!["role"] == "tool")!;
        Assert.Contains(expected, (string?)toolMessage["content"]);
    }

    [Fact]
    public async Task Arguments_that_are_not_json_become_an_error_result()
    {
        await using var fx = new LoopFixture();
        fx.Server.Enqueue(FakeReply.Call("echo", """{"text": "unterminated""", "bad"), FakeReply.Say("ok then"));
        var observer = new RecordingObserver();

        var result = await fx.NewSession().RunTurnAsync("go", observer);

        Assert.Equal("ok then", result.Text);
        Assert.Contains(observer.Events, e => e.StartsWith("[echo] error:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_turn_stops_at_the_iteration_limit_and_says_so()
    {
        await using var fx = new LoopFixture(new AgentSettings { MaxIterations = 3 });
        for (var i = 0; i < 3; i++) fx.Server.Enqueue(FakeReply.Call("echo", """{"text":"again"}""", $"c{i}"));
        var observer = new RecordingObserver();
        var session = fx.NewSession();

        var result = await session.RunTurnAsync("loop forever", observer);

        Assert.Equal(TurnOutcome.IterationLimit, result.Outcome);
        Assert.Contains(observer.Events, e => e.Contains("stopped after 3 steps", StringComparison.Ordinal));
        Assert.Equal(3, fx.Server.ChatRequests.Count);
        // Every tool call in the conversation has its result: the next turn can go on.
        Assert.Equal(3, session.Conversation.Messages.Count(m => m.Role == ChatRole.Tool));
    }

    [Fact]
    public async Task A_response_cut_off_by_the_token_limit_is_reported_not_taken_for_an_answer()
    {
        await using var fx = new LoopFixture();
        fx.Server.Enqueue(FakeReply.Say("This answer is cut").FinishedBy(FakeFinish.Length));
        var observer = new RecordingObserver();

        var result = await fx.NewSession().RunTurnAsync("say a lot", observer);

        Assert.Equal(TurnOutcome.Truncated, result.Outcome);
        Assert.Contains(observer.Events, e => e.Contains("cut off at the output limit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_loaded_tool_joins_the_agent_before_the_next_step_and_the_conversation_is_kept()
    {
        var generated = LoopFixture.NativeTool("shout", ns: "app.generated");
        await using var fx = new LoopFixture(null, 100_000, generated);
        fx.Natives.Register("app.generated:shout", (_, _) => Task.FromResult(MicroAgi.Functions.FunctionResult.Success(JsonValue.Create("HEY"))));
        fx.Server.Enqueue(
            FakeReply.Call("load_tool", """{"id":"app.generated:shout"}""", "l1"),
            FakeReply.Call("shout", "{}", "s1"),
            FakeReply.Say("It shouted HEY"));
        var observer = new RecordingObserver();
        var session = fx.NewSession();
        Assert.DoesNotContain(session.Runner.Tools, t => t.Name == "shout");

        var result = await session.RunTurnAsync("shout", observer);

        Assert.Equal("It shouted HEY", result.Text);
        Assert.Equal(["[load_tool] ok", "[+] app.generated:shout", "[shout] ok"], observer.Events.Where(e => !e.StartsWith("text:", StringComparison.Ordinal)));
        var firstTools = fx.Server.ChatRequests[0].Json!["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"]).ToList();
        var secondTools = fx.Server.ChatRequests[1].Json!["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"]).ToList();
        Assert.DoesNotContain("shout", firstTools);
        Assert.Contains("shout", secondTools);
        // user, load call, its result, shout call, its result, answer: nothing lost across the reload.
        Assert.Equal(6, session.Conversation.Messages.Count);
        Assert.Equal(ChatRole.User, session.Conversation.Messages[0].Role);
    }

    [Fact]
    public async Task A_loaded_tool_the_agent_cannot_bind_is_an_error_the_model_reads_and_the_turn_goes_on()
    {
        // Its alias 'echo' is taken by app.tools:echo, so the runner cannot offer it.
        var clash = LoopFixture.NativeTool("echo", ns: "app.generated");
        await using var fx = new LoopFixture(null, 100_000, clash);
        fx.Server.Enqueue(
            FakeReply.Call("load_tool", """{"id":"app.generated:echo"}""", "l1"),
            FakeReply.Say("I could not load it"));
        var observer = new RecordingObserver();
        var session = fx.NewSession();

        var result = await session.RunTurnAsync("load the other echo", observer);

        Assert.Equal(TurnOutcome.Answered, result.Outcome);
        Assert.Equal(
            ["[load_tool] error: app.generated:echo cannot be used: the name 'echo' is already used by app.tools:echo; set a different meta.llm_alias"],
            observer.Events.Where(e => !e.StartsWith("text:", StringComparison.Ordinal)));
        Assert.Empty(session.Context.AddedTools);
        var sentResult = fx.Server.ChatRequests[1].Json!["messages"]!.AsArray().Last()!;
        Assert.Equal("tool", (string?)sentResult["role"]);
        Assert.Contains("cannot be used", (string?)sentResult["content"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compression_that_fails_is_reported_and_the_answered_turn_and_conversation_are_kept()
    {
        await using var fx = new LoopFixture(new AgentSettings { CompressionTargetCharacters = 60 }, contextWindow: 1000);
        fx.Server.Enqueue(
            FakeReply.Say("Here is your data, all of it, longer than the compression target").WithUsage(900, 5),
            FakeReply.Fail(500, "the compression model is down"));
        var observer = new RecordingObserver();
        var session = fx.NewSession();

        var result = await session.RunTurnAsync("fetch my data", observer);

        Assert.Equal(TurnOutcome.Answered, result.Outcome);
        Assert.Equal("Here is your data, all of it, longer than the compression target", result.Text);
        Assert.Contains(observer.Events, e => e.StartsWith("notice: could not compress the conversation, it stays as it is:", StringComparison.Ordinal));
        Assert.Equal([ChatRole.User, ChatRole.Assistant], session.Conversation.Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task Tool_schemas_are_read_again_from_the_registry_when_the_agent_reloads()
    {
        await using var fx = new LoopFixture();
        var session = fx.NewSession();
        var changed = LoopFixture.NativeTool("echo", new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["loud"] = new JsonObject { ["type"] = "boolean" } } });
        await fx.Registry.ApplyAsync(new ChangeSet().Update(changed));

        var runner = session.Context.LoadAgent();

        Assert.True(runner.FindTool("echo")!.JsonSchema.GetProperty("properties").TryGetProperty("loud", out _));
    }

    [Fact]
    public async Task A_full_context_is_compressed_and_the_latest_request_is_kept()
    {
        // A small target makes the compressor call the model even for this short conversation.
        await using var fx = new LoopFixture(new AgentSettings { CompressionTargetCharacters = 60 }, contextWindow: 1000);
        fx.Server.Enqueue(
            FakeReply.Call("echo", """{"text":"data"}""", "c1").WithUsage(800, 10),
            FakeReply.Say("SUMMARY: the user asked for data and echo returned it."),
            FakeReply.Say("Here is your data").WithUsage(100, 5));
        var observer = new RecordingObserver();
        var session = fx.NewSession();

        var result = await session.RunTurnAsync("fetch my data", observer);

        Assert.Equal("Here is your data", result.Text);
        Assert.Contains(observer.Events, e => e.StartsWith("notice: context compressed", StringComparison.Ordinal));
        var messages = session.Conversation.Messages;
        Assert.Equal(ChatRole.System, messages[0].Role);
        Assert.StartsWith("Conversation summary:", messages[0].Text);
        Assert.Contains("SUMMARY: the user asked for data", messages[0].Text);
        Assert.Equal("fetch my data", messages[1].Text);
        Assert.Equal("small-model", fx.Server.ChatRequests[1].Model);
        var third = fx.Server.ChatRequests[2].Json!["messages"]!.AsArray();
        Assert.Contains(third, m => ((string?)m!["content"] ?? "").Contains("fetch my data", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_context_compressed_after_the_answer_leaves_no_answered_request_dangling()
    {
        await using var fx = new LoopFixture(new AgentSettings { CompressionTargetCharacters = 60 }, contextWindow: 1000);
        fx.Server.Enqueue(
            FakeReply.Say("The first answer, longer than the compression target is.").WithUsage(900, 10),
            FakeReply.Say("SUMMARY: the user asked 'first' and got the first answer."),
            FakeReply.Say("The second answer").WithUsage(100, 5));
        var session = fx.NewSession();

        await session.RunTurnAsync("first", new RecordingObserver());
        await session.RunTurnAsync("second", new RecordingObserver());

        // The summary holds the first exchange; "first" is not repeated after it as if it still waited for its answer.
        var third = fx.Server.ChatRequests[2].Json!["messages"]!.AsArray();
        Assert.Equal(["system", "system", "user"], third.Select(m => (string?)m!["role"]));
        Assert.Contains("SUMMARY: the user asked 'first'", (string?)third[1]!["content"], StringComparison.Ordinal);
        Assert.Equal("second", (string?)third[2]!["content"]);
    }

    [Fact]
    public async Task Cancelling_a_step_keeps_the_conversation_valid()
    {
        await using var fx = new LoopFixture();
        fx.Server.Enqueue(FakeReply.Say("this will never finish streaming because it stalls").InTextChunksOf(4) with { StallAfterEvents = 2 });
        var session = fx.NewSession();
        using var cts = new CancellationTokenSource();
        var observer = new CancellingObserver(cts);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.RunTurnAsync("start", observer, cts.Token));

        Assert.Equal([ChatRole.User], session.Conversation.Messages.Select(m => m.Role));
        fx.Server.Enqueue(FakeReply.Say("fine now"));
        var next = await session.RunTurnAsync("again", new RecordingObserver());
        Assert.Equal("fine now", next.Text);
    }

    [Fact]
    public async Task A_stream_cut_mid_tool_call_is_an_error_and_leaves_no_half_call_behind()
    {
        await using var fx = new LoopFixture();
        fx.Server.Enqueue(FakeReply.Call("echo", """{"text":"will be cut somewhere in the middle"}""", "c1").InArgumentChunksOf(3).CutMidToolCall());
        var session = fx.NewSession();

        var ex = await Assert.ThrowsAsync<LlmException>(() => session.RunTurnAsync("go", new RecordingObserver()));

        Assert.NotNull(ex.Message);
        Assert.DoesNotContain(session.Conversation.Messages, m => m.Contents.OfType<FunctionCallContent>().Any());
    }

    private sealed class CancellingObserver(CancellationTokenSource cts) : IAgentObserver
    {
        public void TextDelta(string text) => cts.Cancel();
    }
}
