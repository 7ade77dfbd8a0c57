using MicroAgi.Agents.Policy;
using static MicroAgi.Agents.Tests.Policy.PolicyFixture;

namespace MicroAgi.Agents.Tests.Policy;

/// <summary>The original's fifteen policy cases (groups, filter, provider, subagent, combined), on the built-in app.</summary>
public sealed class OriginalPolicyCasesTests
{
    [Theory]
    [InlineData("group:fs", new[] { "edit", "glob", "read", "write" })]
    [InlineData("group:runtime", new[] { "exec", "process" })]
    [InlineData("group:web", new[] { "web_fetch", "web_search" })]
    public void A_group_stands_for_its_tools(string group, string[] expected)
    {
        var result = Filter(Rules(allow: [group]), Catalog.Tools);

        Assert.Equal(expected, Names(result));
    }

    [Fact]
    public void Groups_and_tools_mix_in_one_list()
    {
        Assert.Equal(["exec", "process", "web_fetch"], Names(Filter(Rules(allow: ["group:runtime", "web_fetch"]), Catalog.Tools)));
    }

    [Fact]
    public void No_rules_keep_every_tool()
    {
        Assert.Equal(Hands.Count, Filter(ToolPolicy.Open).Allowed.Count);
    }

    [Fact]
    public void A_denied_tool_goes_and_only_it()
    {
        var result = Filter(Rules(deny: ["exec"]));

        Assert.DoesNotContain("exec", Names(result));
        Assert.Equal(Hands.Count - 1, result.Allowed.Count);
    }

    [Fact]
    public void An_allow_list_keeps_only_its_tools()
    {
        Assert.Equal(["read", "write"], Names(Filter(Rules(allow: ["read", "write"]))));
    }

    [Fact]
    public void Deny_wins_over_allow()
    {
        Assert.Equal(["read", "write"], Names(Filter(Rules(allow: ["read", "write", "exec"], deny: ["exec"]))));
    }

    [Fact]
    public void Groups_can_be_allowed()
    {
        Assert.Equal(["edit", "exec", "glob", "process", "read", "write"], Names(Filter(Rules(allow: ["group:fs", "group:runtime"]))));
    }

    [Fact]
    public void Groups_can_be_denied()
    {
        Assert.Equal(["edit", "exec", "glob", "process", "read", "write"], Names(Filter(Rules(deny: ["group:web"]))));
    }

    [Fact]
    public void Provider_rules_apply_to_their_provider()
    {
        var policy = new ToolPolicy { ByProvider = new Dictionary<string, ToolRules> { ["google"] = new("google", Deny: ["exec", "process"]) } };

        var result = Filter(policy, context: new ToolPolicyContext("google"));

        Assert.DoesNotContain("exec", Names(result));
        Assert.DoesNotContain("process", Names(result));
        Assert.Equal(Hands.Count - 2, result.Allowed.Count);
        Assert.All(result.Removed, r => Assert.Equal(ToolPolicyLayer.Provider, r.Layer));
    }

    [Fact]
    public void Provider_rules_do_not_apply_to_another_provider()
    {
        var policy = new ToolPolicy { ByProvider = new Dictionary<string, ToolRules> { ["google"] = new("google", Deny: ["exec", "process"]) } };

        Assert.Equal(Hands.Count, Filter(policy, context: new ToolPolicyContext("openai")).Allowed.Count);
    }

    [Fact]
    public void A_subagent_keeps_the_tools_its_parent_has_other_than_spawning()
    {
        var parent = Hands.Select(t => t.Id).ToHashSet();

        Assert.Equal(Hands.Count, Filter(ToolPolicy.Open, context: new ToolPolicyContext(ParentTools: parent)).Allowed.Count);
    }

    [Fact]
    public void Allow_and_deny_combine()
    {
        Assert.Equal(["edit", "glob", "process", "read", "write"], Names(Filter(Rules(allow: ["group:fs", "group:runtime"], deny: ["exec"]))));
    }

    [Fact]
    public void Allow_and_a_provider_deny_combine()
    {
        var policy = Rules(allow: ["group:fs", "group:runtime", "group:web"]) with
        {
            ByProvider = new Dictionary<string, ToolRules> { ["google"] = new("google", Deny: ["exec"]) },
        };

        Assert.Equal(["edit", "glob", "process", "read", "web_fetch", "web_search", "write"], Names(Filter(policy, context: new ToolPolicyContext("google"))));
    }
}
