using System.Text.Json.Nodes;
using MicroAgi.Agents.Runtime;
using MicroAgi.Functions;
using MicroAgi.Registry;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Runtime;

/// <summary>
/// Deferred tools (an agent's <c>deferred</c> patterns): offered by name in the prompt, without their schemas,
/// until the model calls one or loads it; from then on offered whole.
/// </summary>
public class DeferredToolsTests
{
    private static readonly Entry Fetch = Entry.Create(new EntryId("app.tools", "fetch_page"), "function.native",
        new JsonObject
        {
            ["type"] = "tool",
            ["title"] = "Fetch a page",
            ["llm_description"] = "Fetches a page",
            ["input_schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["url"] = new JsonObject { ["type"] = "string" } }, ["required"] = new JsonArray("url") },
        },
        []);

    [Fact]
    public async Task A_deferred_tool_is_named_in_the_prompt_and_joins_with_its_schema_when_the_model_calls_it()
    {
        await using var fx = await FixtureAsync();
        fx.Server.Enqueue(
            FakeReply.Call("fetch_page", """{"url":"https://example.org"}""", "f1"),
            FakeReply.Say("fetched"));
        var observer = new RecordingObserver();

        var result = await fx.NewSession().RunTurnAsync("get the page", observer);

        Assert.Equal("fetched", result.Text);
        var first = fx.Server.ChatRequests[0].Json!;
        Assert.DoesNotContain("fetch_page", ToolNames(first));
        Assert.Contains("Also callable by name: fetch_page (fetch a page).", (string?)first["messages"]![0]!["content"], StringComparison.Ordinal);
        Assert.Contains("[+] app.tools:fetch_page", observer.Events);
        Assert.Contains("[fetch_page] ok", observer.Events);
        var second = fx.Server.ChatRequests[1].Json!;
        Assert.Contains("fetch_page", ToolNames(second));
        Assert.DoesNotContain("Also callable by name", (string?)second["messages"]![0]!["content"], StringComparison.Ordinal);
        Assert.Contains("page of https://example.org", (string?)second["messages"]!.AsArray().Last()!["content"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deferred_tool_called_with_bad_arguments_gets_the_schema_error_and_stays_offered()
    {
        await using var fx = await FixtureAsync();
        fx.Server.Enqueue(FakeReply.Call("fetch_page", """{"link":"x"}""", "f1"), FakeReply.Say("retrying"));

        await fx.NewSession().RunTurnAsync("get the page", new RecordingObserver());

        var second = fx.Server.ChatRequests[1].Json!;
        Assert.Contains("url", (string?)second["messages"]!.AsArray().Last()!["content"], StringComparison.Ordinal);
        Assert.Contains("fetch_page", ToolNames(second));
    }

    [Fact]
    public async Task Load_tool_on_a_deferred_tool_offers_its_schema_without_asking_the_load_grant()
    {
        await using var fx = await FixtureAsync();
        fx.Server.Enqueue(FakeReply.Call("load_tool", """{"id":"app.tools:fetch_page"}""", "l1"), FakeReply.Say("loaded"));
        var observer = new RecordingObserver();
        var session = fx.NewSession();

        await session.RunTurnAsync("load it", observer);

        Assert.Contains("[load_tool] ok", observer.Events);
        Assert.Contains("fetch_page", ToolNames(fx.Server.ChatRequests[1].Json!));
        Assert.Contains(session.Runner.Tools, t => t.Tool.Id == Fetch.Id);
        Assert.Empty(session.Runner.Deferred);
    }

    [Fact]
    public async Task A_deferred_tool_the_policy_removes_is_neither_named_nor_callable()
    {
        var ran = false;
        await using var fx = await FixtureAsync(new AgentSettings
        {
            ToolTimeout = TimeSpan.FromSeconds(2),
            ToolPolicy = MicroAgi.Agents.Policy.ToolPolicy.Open.Narrowed(new MicroAgi.Agents.Policy.ToolRules("--tools-deny", Deny: ["fetch_page"])),
        }, onRun: () => ran = true);
        fx.Server.Enqueue(FakeReply.Call("fetch_page", """{"url":"https://example.org"}""", "f1"), FakeReply.Say("refused"));

        await fx.NewSession().RunTurnAsync("get the page", new RecordingObserver());

        Assert.False(ran);
        Assert.DoesNotContain("fetch_page", (string?)fx.Server.ChatRequests[0].Json!["messages"]![0]!["content"], StringComparison.Ordinal);
    }

    private static async Task<LoopFixture> FixtureAsync(AgentSettings? settings = null, Action? onRun = null)
    {
        var fx = new LoopFixture(settings, 100_000, Fetch);
        fx.Natives.Register("app.tools:fetch_page", (call, _) =>
        {
            onRun?.Invoke();
            return Task.FromResult(FunctionResult.Success(JsonValue.Create($"page of {call.Arguments!["url"]}")));
        });
        var agent = LoopFixture.Agent(LoopFixture.AgentId, "big", maxTokens: 512);
        var data = JsonNode.Parse(agent.Data.GetRawText())!.AsObject();
        data["deferred"] = new JsonArray("app.tools:fetch_page");
        await fx.Registry.ApplyAsync(new ChangeSet().Update(Entry.Create(agent.Id, agent.Kind, agent.Meta, System.Text.Json.JsonSerializer.SerializeToElement(data))));
        return fx;
    }

    private static List<string?> ToolNames(JsonNode request) =>
        [.. request["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"])];
}
