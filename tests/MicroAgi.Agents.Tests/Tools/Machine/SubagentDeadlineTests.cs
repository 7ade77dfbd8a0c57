using System.Text.Json.Nodes;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Tests.Runtime;
using MicroAgi.Agents.Tools.Subagents;
using MicroAgi.Functions;
using MicroAgi.Functions.Tools;
using MicroAgi.Registry;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Tools.Machine;

/// <summary>
/// sessions_spawn runs on its own <c>timeout</c>, not on the per-call tool timeout that would cut a child
/// short (1 s here, while the child takes five steps of 300 ms tool calls).
/// </summary>
public sealed class SubagentDeadlineTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(1);

    private static Entry Spawn(bool ownDeadline)
    {
        var meta = new JsonObject { ["type"] = "tool", ["llm_description"] = "Spawns a subagent", ["input_schema"] = new JsonObject { ["type"] = "object" } };
        if (ownDeadline) meta["own_deadline"] = true;
        return Entry.Create(new EntryId("app.tools", "sessions_spawn"), FunctionKinds.Native, meta, []);
    }

    private static async Task<string> SpawnResultAsync(bool ownDeadline)
    {
        await using var loop = new LoopFixture(new AgentSettings { ToolTimeout = ToolTimeout }, extraEntries: [Spawn(ownDeadline), LoopFixture.NativeTool("pause")]);
        var launcher = new SubagentLauncher(new SubagentOptions());
        loop.Natives.Register("app.tools:sessions_spawn", new SessionsSpawnTool(launcher).InvokeAsync);
        loop.Natives.Register("app.tools:pause", async (_, ct) => { await Task.Delay(300, ct); return FunctionResult.Success(null); });
        var session = loop.NewSession();
        launcher.Attach(loop.Services, session.Context);
        loop.Server.Enqueue(FakeReply.Call("sessions_spawn", """{"task": "take your time", "timeout": 120}""", "p1"));
        for (var i = 0; i < 5; i++) loop.Server.Enqueue(FakeReply.Call("echo", """{"text":"step"}""", $"c{i}").AndToolCall("pause", "{}", $"w{i}"));
        loop.Server.Enqueue(FakeReply.Say("child done"), FakeReply.Say("parent done"));

        await session.RunTurnAsync("delegate", SilentObserver.Instance);

        var parentSecond = loop.Server.ChatRequests.Last(r => r.Json!["messages"]!.AsArray().Any(m => (string?)m!["tool_call_id"] == "p1"));
        return (string)parentSecond.Json!["messages"]!.AsArray().Last(m => (string?)m!["tool_call_id"] == "p1")!["content"]!;
    }

    [Fact]
    public async Task A_subagent_outlives_the_per_call_tool_timeout_within_its_own()
    {
        var result = JsonNode.Parse(await SpawnResultAsync(ownDeadline: true))!;

        Assert.Equal("child done", (string?)result["answer"]);
    }

    [Fact]
    public async Task Without_its_own_deadline_the_same_child_is_cut_at_the_tool_timeout()
    {
        var result = await SpawnResultAsync(ownDeadline: false);

        Assert.Contains("timed out after 1 s", result, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_native_tool_may_keep_its_own_clock()
    {
        var meta = new JsonObject { ["type"] = "tool", ["own_deadline"] = true };
        var lua = Entry.Create(new EntryId("app.generated", "slow"), "function.lua", meta, []);

        Assert.False(ToolEntry.From(lua)!.RunsOwnDeadline);
        Assert.True(ToolEntry.From(Spawn(ownDeadline: true))!.RunsOwnDeadline);
    }
}
