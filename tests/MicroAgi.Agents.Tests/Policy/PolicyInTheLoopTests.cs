using System.Text.Json.Nodes;
using MicroAgi.Agents.Policy;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Tests.Runtime;
using MicroAgi.Registry;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Policy;

/// <summary>The tool policy where it acts: what the model is offered, and a call to a tool it filtered out.</summary>
public sealed class PolicyInTheLoopTests
{
    private static AgentSettings Denying(params string[] names) => new()
    {
        ToolTimeout = TimeSpan.FromSeconds(2),
        ToolPolicy = new ToolPolicy { Global = [new ToolRules("--tools-deny", Deny: names) { DenySource = "--tools-deny" }] },
    };

    private static List<string?> OfferedTools(FakeLlmServer server, int request) =>
        [.. server.ChatRequests[request].Json!["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"])];

    [Fact]
    public async Task A_filtered_tool_is_not_offered_and_a_call_to_it_is_refused_with_the_reason()
    {
        await using var fx = new LoopFixture(Denying("ECHO"));
        fx.Server.Enqueue(FakeReply.Call("echo", """{"text":"hi"}""", "c1"), FakeReply.Say("I cannot echo."));
        var observer = new RecordingObserver();

        var result = await fx.NewSession().RunTurnAsync("echo hi", observer);

        Assert.Equal("I cannot echo.", result.Text);
        Assert.DoesNotContain("echo", OfferedTools(fx.Server, 0));
        Assert.Contains("explode", OfferedTools(fx.Server, 0));
        const string refusal = "the tool 'echo' is not available in this session: the tool policy removed it (denied by 'ECHO' (--tools-deny))";
        Assert.Contains(observer.Events, e => e.StartsWith("[echo] error: " + refusal, StringComparison.Ordinal));
        var toolMessage = fx.Server.ChatRequests[1].Json!["messages"]!.AsArray().Single(m => (string?)m!["role"] == "tool")!;
        Assert.Contains(refusal, (string?)toolMessage["content"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_loaded_at_runtime_that_the_policy_filters_is_refused_and_not_offered()
    {
        var generated = Entry.Create(new EntryId("app.generated", "clock"), "function.lua", new JsonObject { ["type"] = "tool" },
            new JsonObject { ["source"] = "return { handler = function() return 1 end }", ["method"] = "handler" });
        await using var fx = new LoopFixture(Denying("group:generated"), extraEntries: [generated, .. PolicyFixture.App.Where(e => e.Kind == ToolGroup.Kind)]);
        fx.Server.Enqueue(FakeReply.Call("load_tool", """{"id":"app.generated:clock"}""", "l1"), FakeReply.Say("done"));
        var observer = new RecordingObserver();

        await fx.NewSession().RunTurnAsync("load the clock", observer);

        Assert.Contains(observer.Events, e => e.StartsWith("[load_tool] error: app.generated:clock cannot be used: the tool policy removes it (denied by 'group:generated'", StringComparison.Ordinal));
        Assert.DoesNotContain("clock", OfferedTools(fx.Server, 1));
    }
}
