using MicroAgi.Agents.Policy;
using static MicroAgi.Agents.Tests.Policy.PolicyFixture;

namespace MicroAgi.Agents.Tests.Policy;

/// <summary>
/// Whether the tool policy removes every tool of a family known only by how its names begin (an MCP server's
/// before it runs): true only when no tool of it could be offered, so a server is never left out by mistake.
/// </summary>
public sealed class ToolFamilyPolicyTests
{
    private static readonly ToolFamily Everything = new("mcp_everything_", "mcp.everything:");

    /// <summary>Compiled with problems allowed: before a server runs, a name of one of its tools is unknown.</summary>
    private static bool RemovesEvery(string[]? allow = null, string[]? deny = null) =>
        Rules(allow, deny).Compile(Catalog).RemovesEvery(Everything);

    [Theory]
    [InlineData("group:mcp")]
    [InlineData("mcp_*")]
    [InlineData("MCP_EVERYTHING_*")]
    [InlineData("mcp_every*")]
    [InlineData("*")]
    [InlineData("mcp.everything:*")]
    [InlineData("mcp.every*:*")]
    public void A_deny_item_that_covers_every_name_of_the_family_removes_it(string item)
    {
        Assert.True(RemovesEvery(deny: [item]));
    }

    [Theory]
    [InlineData("mcp_everything_echo")]
    [InlineData("mcp_everything_e*")]
    [InlineData("*_echo")]
    [InlineData("mcp.everything:echo")]
    [InlineData("mcp_other_*")]
    [InlineData("group:fs")]
    public void A_deny_item_that_leaves_some_name_of_the_family_keeps_it(string item)
    {
        Assert.False(RemovesEvery(deny: [item]));
    }

    [Theory]
    [InlineData("group:fs")]
    [InlineData("mcp_other_*")]
    [InlineData("mcp.other:*")]
    [InlineData("app.generated:*")]
    [InlineData("mcp_everything_")]
    public void An_allow_list_that_can_match_none_of_the_family_removes_it(string item)
    {
        Assert.True(RemovesEvery(allow: [item]));
        Assert.True(RemovesEvery(allow: []));
    }

    [Theory]
    [InlineData("mcp_everything_echo")]
    [InlineData("MCP_Everything_Echo")]
    [InlineData("mcp_*")]
    [InlineData("*echo")]
    [InlineData("group:mcp")]
    [InlineData("mcp.everything:echo")]
    [InlineData("mcp.*:*")]
    [InlineData("*")]
    public void An_allow_list_that_can_match_one_of_the_family_keeps_it(string item)
    {
        Assert.False(RemovesEvery(allow: ["group:fs", item]));
    }

    [Fact]
    public void Every_global_rule_set_counts_a_later_one_can_only_remove_more()
    {
        var policy = Rules(allow: ["mcp_everything_echo"]).Narrowed(new ToolRules("--tools-deny", Deny: ["group:mcp"]));

        Assert.True(policy.Compile(Catalog).RemovesEvery(Everything));
    }

    [Fact]
    public void A_pattern_that_can_name_a_tool_of_a_server_not_started_is_no_typo()
    {
        var rules = new ToolRules("--tools-deny", Deny: ["mcp_everything_*"]);
        var unlisted = ToolCatalog.FromRegistry(MicroAgi.Registry.EntryRegistry.CreateInMemory(App).Snapshot(), unlisted: [Everything]);

        Assert.Single(Rules().Narrowed(rules).Compile(Catalog).Problems);
        Assert.Empty(Rules().Narrowed(rules).Compile(unlisted).Problems);
    }
}
