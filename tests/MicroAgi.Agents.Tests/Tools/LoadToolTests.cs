namespace MicroAgi.Agents.Tests.Tools;

public sealed class LoadToolTests : InMemoryToolTests
{
    [Fact]
    public async Task Loading_a_generated_tool_returns_loaded_with_its_alias_and_description()
    {
        Assert.True((await Host.CreateToolAsync(ToolSources.CreateArguments("echo_text", ToolSources.Echo))).IsSuccess);

        var result = await Host.CallAsync("app.tools:load_tool", """{"id": "app.generated:echo_text"}""");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("""{"loaded":true,"id":"app.generated:echo_text","alias":"echo_text","description":"test tool echo_text"}""", result.Value!.ToJsonString());
    }

    [Fact]
    public async Task A_built_in_tool_can_be_loaded_too()
    {
        var result = await Host.CallAsync("app.tools:load_tool", """{"id": "app.tools:doc_search"}""");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("doc_search", (string?)result.Value!["alias"]);
    }

    [Fact]
    public async Task A_bare_name_means_the_generated_tool_of_that_name()
    {
        Assert.True((await Host.CreateToolAsync(ToolSources.CreateArguments("echo_text", ToolSources.Echo))).IsSuccess);

        var result = await Host.CallAsync("app.tools:load_tool", """{"id": "echo_text"}""");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("app.generated:echo_text", (string?)result.Value!["id"]);
    }

    [Fact]
    public async Task An_unknown_id_is_not_found()
    {
        var result = await Host.CallAsync("app.tools:load_tool", """{"id": "app.generated:nothing_here"}""");

        Assert.False(result.IsSuccess);
        Assert.Equal("not found: app.generated:nothing_here", result.Error);
    }

    [Fact]
    public async Task An_entry_that_is_not_a_tool_is_refused()
    {
        var result = await Host.CallAsync("app.tools:load_tool", """{"id": "app:gpt-5.1"}""");

        Assert.False(result.IsSuccess);
        Assert.Equal("not a tool (meta.type != 'tool'): app:gpt-5.1", result.Error);
    }

    [Theory]
    [InlineData("{}", "(arguments): Required properties [\"id\"] are not present")]
    [InlineData("""{"id": ""}""", "'id' is required")]
    [InlineData("""{"id": ":x"}""", "has an empty namespace")]
    [InlineData("""{"id": "Not A Name"}""", "not found: Not A Name (give the full id, namespace:name)")]
    public async Task Bad_ids_are_explained(string arguments, string expected)
    {
        var result = await Host.CallAsync("app.tools:load_tool", arguments);

        CreateToolTests.AssertRefused(result, expected);
    }
}
