using System.Text.Json.Nodes;
using MicroAgi.Agents.Tools;

namespace MicroAgi.Agents.Tests.Tools;

public sealed class RegistryToolsTests : InMemoryToolTests
{
    [Fact]
    public async Task Registry_list_of_the_tools_namespace_shows_the_built_ins()
    {
        var result = await Host.CallAsync("app.tools:registry_list", """{"namespace": "app.tools"}""");

        Assert.True(result.IsSuccess, result.ToString());
        var ids = result.Value!["entries"]!.AsArray().Select(e => (string)e!["id"]!).ToArray();
        // self is listed as an entry although the agent is offered it only when tools.self_evolution is on.
        Assert.Equal(MicroAgi.Agents.Tools.BuiltInTools.HandlerNames.Append(MicroAgi.Agents.Self.SelfTool.HandlerName).Append(MicroAgi.Agents.Runtime.ToolCallExecutor.AddMcpServerId.Name).Select(n => "app.tools:" + n).Order(StringComparer.Ordinal), ids);
        Assert.Contains("app.tools:create_tool", ids);
        Assert.Contains("app.tools:read", ids);
        Assert.Contains("app.tools:self", ids);
        Assert.Equal(ids.Length, (int)result.Value["count"]!);
        var docSearch = result.Value["entries"]!.AsArray().Single(e => (string?)e!["id"] == "app.tools:doc_search")!;
        Assert.Equal("function.native", (string?)docSearch["kind"]);
        Assert.Equal("tool", (string?)docSearch["type"]);
        Assert.StartsWith("Search the Lua tool API docs", (string?)docSearch["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_list_filters_by_type_and_kind_and_finds_generated_tools()
    {
        Assert.True((await Host.CreateToolAsync(ToolSources.CreateArguments("echo_text", ToolSources.Echo))).IsSuccess);

        var models = await Host.CallAsync("app.tools:registry_list", """{"type": "llm.model"}""");
        var lua = await Host.CallAsync("app.tools:registry_list", """{"kind": "function.lua", "type": "tool"}""");
        var generated = await Host.CallAsync("app.tools:registry_list", """{"namespace": "app.generated"}""");

        Assert.All(models.Value!["entries"]!.AsArray(), e => Assert.Equal("llm.model", (string?)e!["type"]));
        Assert.Contains(models.Value["entries"]!.AsArray(), e => (string?)e!["id"] == "app:gpt-5.1");
        Assert.Equal("app.generated:echo_text", (string?)lua.Value!["entries"]![0]!["id"]);
        Assert.Equal(1, (int)lua.Value["total"]!);
        Assert.Equal("test tool echo_text", (string?)generated.Value!["entries"]![0]!["description"]);
    }

    [Fact]
    public async Task Registry_list_respects_the_limit_and_says_how_many_more_there_are()
    {
        var result = await Host.CallAsync("app.tools:registry_list", """{"limit": 2}""");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(2, result.Value!["entries"]!.AsArray().Count);
        var total = (int)result.Value["total"]!;
        Assert.True(total > 2);
        Assert.Equal(2, (int)result.Value["next_offset"]!);
        Assert.Equal($"{total - 2} more entries; call again with \"offset\": 2, or narrow the filters", (string?)result.Value["note"]);
    }

    [Fact]
    public async Task Registry_list_pages_reach_every_entry_of_a_large_registry_each_under_the_cap()
    {
        var longText = new string('d', 5000);
        var changes = new Registry.ChangeSet();
        for (var i = 0; i < 1200; i++)
        {
            changes.Create(Registry.Entry.Create(new Registry.EntryId("bulk", $"tool_{i:D4}"), "function.native",
                new JsonObject { ["type"] = "tool", ["title"] = longText, ["llm_description"] = longText }));
        }
        await Host.Registry.ApplyAsync(changes);

        var seen = new List<string>();
        int? offset = 0;
        var pages = 0;
        while (offset is { } start)
        {
            var result = await Host.CallAsync("app.tools:registry_list", $$"""{"namespace": "bulk", "limit": 500, "offset": {{start}}}""");
            Assert.True(result.IsSuccess, result.ToString());
            Assert.True(result.ValueJson.Length <= DocSearchTool.MaxChars, $"a page of {result.ValueJson.Length} characters");
            Assert.Equal(1200, (int)result.Value!["total"]!);
            Assert.Equal(start, (int)result.Value["offset"]!);
            var entries = result.Value["entries"]!.AsArray();
            Assert.All(entries, e => Assert.True(((string)e!["description"]!).Length <= RegistryListTool.MaxDescriptionChars));
            seen.AddRange(entries.Select(e => (string)e!["id"]!));
            offset = (int?)result.Value["next_offset"];
            pages++;
        }

        Assert.Equal(Enumerable.Range(0, 1200).Select(i => $"bulk:tool_{i:D4}"), seen);
        Assert.True(pages > 3, $"{pages} pages");
    }

    [Fact]
    public async Task Registry_list_past_the_end_says_how_many_entries_match()
    {
        var result = await Host.CallAsync("app.tools:registry_list", """{"namespace": "nowhere", "offset": 1}""");

        Assert.False(result.IsSuccess);
        Assert.Equal("offset 1 is past the end: 0 entries match; start from 0", result.Error);
    }

    [Theory]
    [InlineData("""{"limit": 0}""", "/limit: 0 should be at least 1")]
    [InlineData("""{"namespace": 3}""", "/namespace: Value is \"integer\" but should be \"string\"")]
    public async Task Registry_list_explains_bad_filters(string arguments, string expected)
    {
        CreateToolTests.AssertRefused(await Host.CallAsync("app.tools:registry_list", arguments), expected);
    }

    [Fact]
    public async Task Registry_list_with_no_match_is_an_empty_list()
    {
        var result = await Host.CallAsync("app.tools:registry_list", """{"namespace": "nowhere"}""");

        Assert.Equal("""{"count":0,"total":0,"offset":0,"entries":[]}""", result.Value!.ToJsonString());
    }

    [Fact]
    public async Task Registry_read_shows_a_generated_tool_with_its_source()
    {
        Assert.True((await Host.CreateToolAsync(ToolSources.CreateArguments("echo_text", ToolSources.Echo, modules: "json"))).IsSuccess);

        var result = await Host.CallAsync("app.tools:registry_read", """{"id": "app.generated:echo_text"}""");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("app.generated:echo_text", (string?)result.Value!["id"]);
        Assert.Equal("function.lua", (string?)result.Value["kind"]);
        Assert.Equal(ToolSources.Echo, (string?)result.Value["data"]!["source"]);
        Assert.Equal("handler", (string?)result.Value["data"]!["method"]);
        Assert.True(JsonNode.DeepEquals(new JsonArray("json"), result.Value["data"]!["modules"]));
        Assert.True(JsonNode.DeepEquals(ToolSources.EchoSchema(), result.Value["meta"]!["input_schema"]));
    }

    [Fact]
    public async Task Registry_read_of_a_built_in_tool_shows_its_handler_and_schema()
    {
        var result = await Host.CallAsync("app.tools:registry_read", """{"id": "app.tools:create_tool"}""");

        Assert.Equal("create_tool", (string?)result.Value!["data"]!["handler"]);
        Assert.Equal("object", (string?)result.Value["meta"]!["input_schema"]!["type"]);
    }

    [Theory]
    [InlineData("""{"id": "app.generated:ghost"}""", "not found: app.generated:ghost")]
    [InlineData("""{"id": "ghost"}""", "entry id 'ghost' has no ':'; write it as 'namespace:name'")]
    [InlineData("{}", "(arguments): Required properties [\"id\"] are not present")]
    public async Task Registry_read_explains_missing_entries_and_bad_ids(string arguments, string expected)
    {
        CreateToolTests.AssertRefused(await Host.CallAsync("app.tools:registry_read", arguments), expected);
    }
}
