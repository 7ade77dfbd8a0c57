using System.Text.Json.Nodes;
using MicroAgi.Agents.Self;

namespace MicroAgi.Agents.Tests.Self;

public sealed class SelfLimitsTests
{
    [Fact]
    public async Task At_most_64_runtime_variables_and_a_full_set_may_still_be_overwritten()
    {
        await using var fx = new SelfFixture();
        for (var i = 0; i < RuntimeVars.MaxKeys; i++) await fx.OkAsync($$"""{"action":"modify","key":"v{{i}}","value":{{i}}}""");

        Assert.Contains("already 64 runtime variables", await fx.ErrorAsync("""{"action":"modify","key":"one_more","value":1}"""));
        await fx.OkAsync("""{"action":"modify","key":"v0","value":"changed"}""");
        await fx.OkAsync("""{"action":"reset","key":"v1"}""");
        await fx.OkAsync("""{"action":"modify","key":"one_more","value":1}""");
        Assert.Equal(RuntimeVars.MaxKeys, fx.Self.Vars.Count);
    }

    [Fact]
    public async Task A_value_of_1024_elements_fits_and_one_more_does_not()
    {
        await using var fx = new SelfFixture();
        // The list itself counts: 1 + 1023 items.
        var fits = new JsonArray([.. Enumerable.Range(0, 1023).Select(i => (JsonNode)i)]);
        var tooMany = new JsonArray([.. Enumerable.Range(0, 1024).Select(i => (JsonNode)i)]);

        await fx.OkAsync(new JsonObject { ["action"] = "modify", ["key"] = "fits", ["value"] = fits }.ToJsonString());
        var error = await fx.ErrorAsync(new JsonObject { ["action"] = "modify", ["key"] = "too_many", ["value"] = tooMany }.ToJsonString());

        Assert.Contains("more than 1,024 elements", error);
    }

    [Fact]
    public async Task The_element_cap_counts_across_sibling_branches()
    {
        await using var fx = new SelfFixture();
        // Each branch alone is far below the cap; together they are over it.
        JsonArray Branch() => new([.. Enumerable.Range(0, 600).Select(i => (JsonNode)i)]);
        var value = new JsonObject { ["left"] = Branch(), ["right"] = Branch() };

        var error = await fx.ErrorAsync(new JsonObject { ["action"] = "modify", ["key"] = "wide", ["value"] = value }.ToJsonString());

        Assert.Contains("across all branches", error);
        Assert.Equal(0, fx.Self.Vars.Count);
    }

    [Fact]
    public async Task Nesting_is_limited_to_10_levels()
    {
        await using var fx = new SelfFixture();
        static string Nested(int depth) => new string('[', depth) + "1" + new string(']', depth);

        await fx.OkAsync($$"""{"action":"modify","key":"deep","value":{{Nested(10)}}}""");
        Assert.Contains("nested more than 10 levels", await fx.ErrorAsync($$"""{"action":"modify","key":"deeper","value":{{Nested(11)}}}"""));
    }

    [Fact]
    public async Task A_huge_text_value_is_refused()
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync(new JsonObject { ["action"] = "modify", ["key"] = "blob", ["value"] = new string('x', 70_000) }.ToJsonString());

        Assert.Contains("characters as JSON", error);
    }

    [Theory]
    [InlineData("null", true)]
    [InlineData("\"text\"", true)]
    [InlineData("{}", true)]
    [InlineData("[[[]]]", true)]
    public void Json_values_within_the_limits_pass(string json, bool fits) =>
        Assert.Equal(fits, JsonValueLimits.Problem(JsonNode.Parse(json)) is null);
}
