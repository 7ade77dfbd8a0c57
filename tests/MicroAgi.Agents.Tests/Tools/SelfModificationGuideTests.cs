using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MicroAgi.Agents.Tests.Tools;

/// <summary>The guide's complete example is run exactly as written: create_tool → load_tool → call.</summary>
public sealed partial class SelfModificationGuideTests
{
    private static readonly string GuidePath = Path.Combine(RepoPaths.LuaDocs, "guide", "self-modification.md");

    [Fact]
    public async Task The_complete_example_of_the_guide_creates_loads_and_runs()
    {
        var guide = await File.ReadAllTextAsync(GuidePath);
        var example = guide[guide.IndexOf("## A complete example", StringComparison.Ordinal)..];
        var createArguments = JsonNode.Parse(CodeBlocks().Match(example).Groups["json"].Value)!.AsObject();
        await using var host = ToolTestHost.InMemory();

        var search = await host.CallAsync("app.tools:doc_search", """{"query": "current time utc"}""");
        var created = await host.CreateToolAsync(createArguments);
        var loaded = await host.CallAsync("app.tools:load_tool", """{"id": "app.generated:current_time_utc"}""");
        var utc = await host.CallAsync("app.generated:current_time_utc", "{}");
        var paris = await host.CallAsync("app.generated:current_time_utc", """{"zone": "Europe/Paris"}""");
        var unknown = await host.CallAsync("app.generated:current_time_utc", """{"zone": "Mars/Olympus_Mons"}""");

        Assert.True(search.IsSuccess, search.ToString());
        Assert.True(created.IsSuccess, created.ToString());
        Assert.Equal(2, (int)created.Value!["tests_passed"]!);
        Assert.True((bool)loaded.Value!["loaded"]!);
        Assert.Equal("current_time_utc", (string?)loaded.Value["alias"]);
        Assert.True(utc.IsSuccess, utc.ToString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)utc.Value!["iso"]);
        Assert.Equal("UTC", (string?)utc.Value["zone"]);
        Assert.InRange((long)utc.Value["unix"]!, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", (string?)paris.Value!["iso"]);
        Assert.False(unknown.IsSuccess);
        Assert.Contains("unknown time zone", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_unescaped_source_in_the_guide_is_the_source_of_the_example()
    {
        var guide = await File.ReadAllTextAsync(GuidePath);
        var example = guide[guide.IndexOf("## A complete example", StringComparison.Ordinal)..];
        var source = (string?)JsonNode.Parse(CodeBlocks().Match(example).Groups["json"].Value)!["source"];
        var lua = LuaBlocks().Match(example).Groups["lua"].Value;

        Assert.Equal(source, lua);
    }

    [GeneratedRegex("```json\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlocks();

    [GeneratedRegex("```lua\n(?<lua>.*?)```", RegexOptions.Singleline)]
    private static partial Regex LuaBlocks();
}
