using System.Text.Json.Nodes;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Tests.Runtime;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Self;

/// <summary>The loop honours what the self tool changed, from the next step, against the fake OpenAI server.</summary>
public sealed class SelfLoopTests
{
    private static string ToolNames(RecordedRequest request) =>
        string.Join(",", request.Json!["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"]));

    [Fact]
    public async Task Raising_max_iterations_lets_the_same_turn_run_longer()
    {
        await using var fx = new SelfFixture(maxIterations: 2);
        fx.Loop.Server.Enqueue(
            FakeReply.Call("self", """{"action":"modify","key":"max_iterations","value":4}""", "s1"),
            FakeReply.Call("echo", """{"text":"a"}""", "e1"),
            FakeReply.Call("echo", """{"text":"b"}""", "e2"),
            FakeReply.Say("done in four"));
        var observer = new RecordingObserver();

        var result = await fx.Session.RunTurnAsync("work long", observer);

        Assert.Equal(TurnOutcome.Answered, result.Outcome);
        Assert.Equal(4, result.Steps);
        Assert.Equal("done in four", result.Text);
    }

    [Fact]
    public async Task Lowering_max_iterations_ends_the_turn_at_the_new_limit()
    {
        await using var fx = new SelfFixture(maxIterations: 10);
        fx.Loop.Server.Enqueue(
            FakeReply.Call("self", """{"action":"modify","key":"max_iterations","value":2}""", "s1"),
            FakeReply.Call("echo", """{"text":"a"}""", "e1"),
            FakeReply.Say("never asked for"));
        var observer = new RecordingObserver();

        var result = await fx.Session.RunTurnAsync("work short", observer);

        Assert.Equal(TurnOutcome.IterationLimit, result.Outcome);
        Assert.Equal(2, result.Steps);
        Assert.Equal(2, fx.Loop.Server.ChatRequests.Count);
        Assert.Contains("notice: stopped after 2 steps without a final answer; ask again to continue", observer.Events);
    }

    [Fact]
    public async Task A_new_model_is_used_from_the_next_step()
    {
        await using var fx = new SelfFixture();
        fx.Loop.Server.Enqueue(
            FakeReply.Call("self", """{"action":"modify","key":"model","value":"small"}""", "s1"),
            FakeReply.Say("answered by the small model"));

        await fx.Session.RunTurnAsync("switch", new RecordingObserver());

        Assert.Equal("big-model", (string?)fx.Loop.Server.ChatRequests[0].Json!["model"]);
        Assert.Equal("small-model", (string?)fx.Loop.Server.ChatRequests[1].Json!["model"]);
        Assert.Equal("small", fx.Session.Runner.Model.Name);
    }

    [Fact]
    public async Task An_unregistered_tool_is_gone_from_the_next_step_and_a_call_to_it_is_refused()
    {
        await using var fx = new SelfFixture();
        fx.Loop.Server.Enqueue(
            FakeReply.Call("self", """{"action":"manage_tool","name":"echo","manage_action":"unregister"}""", "s1"),
            FakeReply.Call("echo", """{"text":"still there?"}""", "e1"),
            FakeReply.Call("self", """{"action":"manage_tool","name":"echo","manage_action":"register"}""", "s2"),
            FakeReply.Call("echo", """{"text":"back"}""", "e2"),
            FakeReply.Say("ok"));
        var observer = new RecordingObserver();

        await fx.Session.RunTurnAsync("tools", observer);

        Assert.Contains("echo", ToolNames(fx.Loop.Server.ChatRequests[0]));
        Assert.DoesNotContain("echo", ToolNames(fx.Loop.Server.ChatRequests[1]).Split(','));
        Assert.Contains(observer.Events, e => e.StartsWith("[echo] error: unknown tool 'echo'", StringComparison.Ordinal));
        Assert.Contains("echo", ToolNames(fx.Loop.Server.ChatRequests[3]).Split(','));
        Assert.Equal("[echo] ok", observer.Events.Where(e => e.StartsWith("[echo]", StringComparison.Ordinal)).Last());
    }

    [Fact]
    public async Task A_smaller_context_window_makes_the_loop_compress_sooner()
    {
        await using var fx = new SelfFixture();
        fx.Loop.Server.Enqueue(
            FakeReply.Call("self", """{"action":"modify","key":"context_window_tokens","value":4096}""", "s1").WithUsage(100, 10),
            FakeReply.Call("echo", """{"text":"x"}""", "e1").WithUsage(3500, 10),
            FakeReply.Say("done"));
        var observer = new RecordingObserver();

        await fx.Session.RunTurnAsync("fill it", observer);

        // 3,500 prompt tokens are nothing to a 100,000 window, but over 75% of 4,096: the step after the change compresses.
        Assert.Equal(1, observer.Events.Count(e => e.StartsWith("notice: context compressed", StringComparison.Ordinal)));
        Assert.Equal(3, fx.Loop.Server.ChatRequests.Count);
        Assert.Contains("Conversation summary", fx.Loop.Server.ChatRequests[2].Json!["messages"]![1]!.ToJsonString());
    }

    [Fact]
    public async Task The_watchdog_repairs_before_the_next_step_and_the_user_sees_it()
    {
        await using var fx = new SelfFixture(maxIterations: 5);
        fx.Loop.Server.Enqueue(FakeReply.Say("fine"));
        fx.Tuning.Unregister(AgentSettings.SelfToolId);
        var observer = new RecordingObserver();

        await fx.Session.RunTurnAsync("hello", observer);

        Assert.Contains(observer.Events, e => e.StartsWith("notice: self watchdog: app.tools:self is a critical tool", StringComparison.Ordinal));
        Assert.Contains("self", ToolNames(fx.Loop.Server.ChatRequests[0]).Split(','));
    }

    [Fact]
    public async Task Self_is_off_by_default_even_when_the_agent_lists_it()
    {
        await using var loop = new LoopFixture(extraEntries: [SelfFixture.SelfEntry]);
        loop.Server.Enqueue(FakeReply.Say("hi"));

        await loop.NewSession().RunTurnAsync("hello", new RecordingObserver());

        Assert.DoesNotContain("self", ToolNames(loop.Server.ChatRequests[0]).Split(','));
        Assert.Contains("echo", ToolNames(loop.Server.ChatRequests[0]).Split(','));
    }
}
