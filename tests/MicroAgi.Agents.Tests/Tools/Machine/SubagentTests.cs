using System.Text.Json.Nodes;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Tests.Runtime;
using MicroAgi.Agents.Tools.Subagents;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Tools.Machine;

/// <summary>sessions_spawn in a real agent session against the fake OpenAI-compatible server.</summary>
public sealed class SubagentTests : IAsyncDisposable
{
    private readonly LoopFixture _loop = new(new AgentSettings { ToolTimeout = TimeSpan.FromSeconds(30) }, extraEntries: LoopFixture.NativeTool("sessions_spawn"));
    private readonly SubagentLauncher _launcher = new(new SubagentOptions { MaxConcurrent = 2 });
    private readonly AgentSession _session;

    public SubagentTests()
    {
        _loop.Natives.Register("app.tools:sessions_spawn", new SessionsSpawnTool(_launcher).InvokeAsync);
        _session = _loop.NewSession();
        _launcher.Attach(_loop.Services, _session.Context);
    }

    private static string Spawn(object arguments) => System.Text.Json.JsonSerializer.Serialize(arguments);

    private static List<string> ToolsOffered(RecordedRequest request) =>
        (request.Json!["tools"] as JsonArray ?? []).Select(t => (string)t!["function"]!["name"]!).ToList();

    private string ToolResultSeenBy(int request) =>
        (string)_loop.Server.ChatRequests[request].Json!["messages"]!.AsArray().Last(m => (string?)m!["role"] == "tool")!["content"]!;

    [Fact]
    public async Task A_subagent_answers_the_parent_with_its_cost_and_gets_the_parents_tools_minus_spawning()
    {
        _loop.Server.Enqueue(
            FakeReply.Call("sessions_spawn", Spawn(new { task = "echo hi and report" }), "p1"),
            FakeReply.Call("echo", """{"text":"hi"}""", "c1").WithUsage(100, 10),
            FakeReply.Say("child says hi").WithUsage(200, 20),
            FakeReply.Say("The child said hi."));

        var turn = await _session.RunTurnAsync("delegate", SilentObserver.Instance);

        Assert.Equal("The child said hi.", turn.Text);
        var childTools = ToolsOffered(_loop.Server.ChatRequests[1]);
        Assert.Contains("echo", childTools);
        Assert.DoesNotContain("sessions_spawn", childTools);
        Assert.Contains("sessions_spawn", ToolsOffered(_loop.Server.ChatRequests[0]));
        var result = JsonNode.Parse(ToolResultSeenBy(3))!;
        Assert.Equal("child says hi", (string)result["answer"]!);
        Assert.Equal("Answered", (string)result["outcome"]!);
        Assert.True((decimal)result["cost_usd"]! > 0);
        Assert.Equal(4, turn.Usage.Requests);
        Assert.Single(_loop.Server.ChatRequests[1].Json!["messages"]!.AsArray(), m => (string?)m!["role"] == "user");
    }

    [Fact]
    public async Task A_subagent_cannot_spawn_or_use_a_tool_its_parent_does_not_have()
    {
        _loop.Server.Enqueue(
            FakeReply.Call("sessions_spawn", Spawn(new { task = "t", tools = new[] { "echo", "rm_rf" } }), "p1"),
            FakeReply.Call("sessions_spawn", Spawn(new { task = "t", tools = new[] { "echo" } }), "p2"),
            FakeReply.Call("sessions_spawn", Spawn(new { task = "recurse" }), "c1"),
            FakeReply.Say("could not spawn"),
            FakeReply.Say("done"));

        await _session.RunTurnAsync("delegate", SilentObserver.Instance);

        Assert.Contains("not available: rm_rf", ToolResultSeenBy(1), StringComparison.Ordinal);
        Assert.Equal(["echo"], ToolsOffered(_loop.Server.ChatRequests[2]));
        Assert.Contains("unknown tool 'sessions_spawn'", ToolResultSeenBy(3), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subagent_past_its_timeout_is_stopped_and_the_parent_told()
    {
        _loop.Server.Enqueue(
            FakeReply.Call("sessions_spawn", Spawn(new { task = "be slow", timeout = 1 }), "p1"),
            FakeReply.Call("slow", "{}", "c1"),
            FakeReply.Say("finished"));

        var turn = await _session.RunTurnAsync("delegate", SilentObserver.Instance);

        Assert.Equal("finished", turn.Text);
        Assert.Contains("did not finish within 1 s", ToolResultSeenBy(2), StringComparison.Ordinal);
        Assert.Empty(_launcher.Running);
    }

    [Fact]
    public async Task Cancelling_the_parent_cancels_the_child()
    {
        _loop.Server.Enqueue(
            FakeReply.Call("sessions_spawn", Spawn(new { task = "be slow" }), "p1"),
            FakeReply.Call("slow", "{}", "c1"));
        using var cancel = new CancellationTokenSource();

        var turn = _session.RunTurnAsync("delegate", SilentObserver.Instance, cancel.Token);
        for (var i = 0; i < 600 && _launcher.Running.Count == 0; i++) await Task.Delay(50);
        Assert.Single(_launcher.Running);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => turn);
        Assert.Empty(_launcher.Running);
    }

    public async ValueTask DisposeAsync() => await _loop.DisposeAsync();
}
