using System.Text.Json.Nodes;
using MicroAgi.Agents.Policy;
using MicroAgi.Registry;
using static MicroAgi.Agents.Tests.Policy.PolicyFixture;

namespace MicroAgi.Agents.Tests.Policy;

/// <summary>The original's faults, each as a regression, and the names the policy understands.</summary>
public sealed class PolicyFaultTests
{
    private static ToolPolicy GoogleDeniesExec(string key) =>
        new() { ByProvider = new Dictionary<string, ToolRules> { [key] = new(key, Deny: ["exec"]) } };

    [Theory]
    [InlineData("Google", "google")]
    [InlineData("google", "Google")]
    [InlineData(" GOOGLE ", "google")]
    public void Provider_keys_match_the_provider_in_any_letter_case(string key, string provider)
    {
        var result = Filter(GoogleDeniesExec(key), context: new ToolPolicyContext(provider));

        Assert.DoesNotContain("exec", Names(result));
        Assert.Equal(ToolPolicyLayer.Provider, Assert.Single(result.Removed).Layer);
    }

    [Fact]
    public void A_command_line_allow_list_narrows_a_profile_and_never_widens_it()
    {
        var profile = new ToolPolicy { Global = [new ToolRules("profile coder", Allow: ["group:fs"])] };
        var narrowed = profile.Narrowed(new ToolRules("--tools-allow", Allow: ["group:fs", "exec", "web_fetch"]));

        var result = Filter(narrowed);

        Assert.Equal(["edit", "glob", "read", "write"], Names(result));
        var exec = result.Removed.Single(r => r.Tool.Name == "exec");
        Assert.Equal(ToolPolicyLayer.Global, exec.Layer);
        Assert.Contains("profile coder", exec.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_line_allow_list_narrows_further()
    {
        var profile = new ToolPolicy { Global = [new ToolRules("profile coder", Allow: ["group:fs", "group:runtime"])] };

        var result = Filter(profile.Narrowed(new ToolRules("--tools-allow", Allow: ["read"])));

        Assert.Equal(["read"], Names(result));
        Assert.Contains(result.Removed, r => r.Tool.Name == "exec" && r.Reason.Contains("--tools-allow", StringComparison.Ordinal));
    }

    [Fact]
    public void A_subagent_never_gets_what_the_parent_is_denied_nor_spawns_children()
    {
        var policy = Rules(deny: ["exec"]);
        var all = Catalog.Tools.Where(t => t.Name != "self").ToList();
        var parent = policy.Compile(Catalog).Filter(all, new ToolPolicyContext()).Allowed;

        var child = Filter(policy, all, new ToolPolicyContext(ParentTools: parent.Select(t => t.Id).ToHashSet()));

        Assert.Contains("sessions_spawn", parent.Select(t => t.Name));
        Assert.DoesNotContain("exec", Names(child));
        Assert.DoesNotContain("sessions_spawn", Names(child));
        Assert.Equal(ToolPolicyLayer.Subagent, child.Removed.Single(r => r.Tool.Name == "sessions_spawn").Layer);
    }

    [Fact]
    public void A_subagent_loses_tools_the_parent_lacks_even_when_its_own_rules_allow_them()
    {
        var parent = new HashSet<EntryId> { Tool("read").Id };

        var child = Filter(Rules(allow: ["*"]), context: new ToolPolicyContext(ParentTools: parent));

        Assert.Equal(["read"], Names(child));
        Assert.Contains(child.Removed, r => r.Tool.Name == "write" && r.Reason == "the parent agent does not have it");
    }

    [Fact]
    public void Sessions_spawn_is_denied_to_subagents_even_when_allowed_by_name()
    {
        var spawn = Tool("sessions_spawn");

        var child = Filter(Rules(allow: ["sessions_spawn"]), [spawn], new ToolPolicyContext(ParentTools: new HashSet<EntryId> { spawn.Id }));

        Assert.Empty(child.Allowed);
    }

    [Fact]
    public void Configured_subagent_denials_apply_to_subagents_only()
    {
        var policy = new ToolPolicy { SubagentDeny = ["group:web"] };
        var parent = Hands.Select(t => t.Id).ToHashSet();

        Assert.Equal(Hands.Count, Filter(policy).Allowed.Count);
        Assert.DoesNotContain("web_fetch", Names(Filter(policy, context: new ToolPolicyContext(ParentTools: parent))));
    }

    [Fact]
    public void An_allow_list_of_unknown_names_is_reported_and_allows_nothing()
    {
        var compiled = Rules(allow: ["fs", "reed"]).Compile(Catalog);

        Assert.Equal(2, compiled.Problems.Count);
        Assert.Contains("test allow: unknown tool 'fs'; did you mean the group 'group:fs'?", compiled.Problems);
        Assert.Contains(compiled.Problems, p => p.StartsWith("test allow: unknown tool 'reed'; the tools are ", StringComparison.Ordinal) && p.Contains("read", StringComparison.Ordinal));
        Assert.Empty(compiled.Filter(Hands, new ToolPolicyContext()).Allowed);
    }

    [Fact]
    public void An_unknown_group_and_a_pattern_matching_nothing_are_reported()
    {
        var compiled = Rules(deny: ["group:filesystem", "db_*"]).Compile(Catalog);

        Assert.Contains(compiled.Problems, p => p.StartsWith("test deny: unknown tool group 'group:filesystem'; the groups are ", StringComparison.Ordinal) && p.Contains("group:fs", StringComparison.Ordinal));
        Assert.Contains("test deny: 'db_*' matches no tool", compiled.Problems);
    }

    [Fact]
    public void Group_star_means_every_tool_of_every_group()
    {
        var result = Filter(Rules(allow: ["group:*"]), Catalog.Tools);

        Assert.Equal(Catalog.Tools.Count, result.Allowed.Count);
        Assert.Equal(["web_fetch", "web_search"], Names(Filter(Rules(allow: ["group:w*"]), Catalog.Tools)));
    }

    [Fact]
    public void An_explicit_empty_allow_list_allows_nothing()
    {
        var result = Filter(Rules(allow: []));

        Assert.Empty(result.Allowed);
        Assert.All(result.Removed, r => Assert.Equal("the allow list is empty (test allow)", r.Reason));
    }

    [Theory]
    [InlineData("bash", "exec")]
    [InlineData("shell", "exec")]
    [InlineData("search", "web_search")]
    [InlineData("fetch", "web_fetch")]
    [InlineData("EXEC", "exec")]
    [InlineData("Group:FS", "read")]
    public void Aliases_and_names_in_any_letter_case_name_the_tool(string name, string tool)
    {
        Assert.DoesNotContain(tool, Names(Filter(Rules(deny: [name]))));
    }

    [Fact]
    public void Patterns_match_names_and_entry_ids()
    {
        Assert.Equal(["web_fetch", "web_search"], Names(Filter(Rules(allow: ["WEB_*"]))));
        Assert.Equal(["glob"], Names(Filter(Rules(allow: ["app.tools:g*"]))));
        Assert.Equal(Hands.Count, Filter(Rules(allow: ["*"])).Allowed.Count);
    }

    [Fact]
    public void Core_holds_files_commands_and_the_web_but_not_subagents()
    {
        var result = Filter(Rules(allow: ["group:core"]), Catalog.Tools);

        Assert.Equal(["edit", "exec", "glob", "process", "read", "web_fetch", "web_search", "write"], Names(result));
    }

    [Fact]
    public void The_generated_group_follows_the_tools_the_agent_wrote_and_an_app_can_add_groups()
    {
        var generated = Entry.Create(new EntryId("app.generated", "clock"), "function.lua", new JsonObject { ["type"] = "tool" });
        var mine = Entry.Create(new EntryId("my.app", "readers"), ToolGroup.Kind, data: new JsonObject { ["tools"] = new JsonArray("read", "glob") });
        var catalog = CatalogOf([.. App, generated, mine]);
        var tools = catalog.Tools;

        Assert.Equal(["clock"], Names(Filter(Rules(allow: ["group:generated"]), tools, catalog: catalog)));
        Assert.Equal(["glob", "read"], Names(Filter(Rules(allow: ["group:readers"]), tools, catalog: catalog)));
    }

    [Fact]
    public void A_group_that_includes_itself_is_reported()
    {
        var a = Entry.Create(new EntryId("my.app", "a"), ToolGroup.Kind, data: new JsonObject { ["tools"] = new JsonArray("read", "group:b") });
        var b = Entry.Create(new EntryId("my.app", "b"), ToolGroup.Kind, data: new JsonObject { ["tools"] = new JsonArray("group:a") });
        var catalog = CatalogOf([.. App, a, b]);

        var compiled = Rules(allow: ["group:a"]).Compile(catalog);

        Assert.Contains(compiled.Problems, p => p.Contains("includes itself", StringComparison.Ordinal));
        Assert.Equal(["read"], Names(compiled.Filter(Hands, new ToolPolicyContext())));
    }

    [Fact]
    public void A_malformed_group_entry_is_reported()
    {
        var bad = Entry.Create(new EntryId("my.app", "broken"), ToolGroup.Kind, data: new JsonObject { ["tools"] = "read" });

        var catalog = CatalogOf([.. App, bad]);

        Assert.Contains(catalog.Problems, p => p.StartsWith("tool group my.app:broken: 'tools' must be a list", StringComparison.Ordinal));
    }

    [Fact]
    public void A_refused_call_says_which_layer_removed_the_tool()
    {
        var result = Filter(Rules(deny: ["bash"]));

        Assert.Equal("the tool 'exec' is not available in this session: the tool policy removed it (denied by 'bash' (test deny)); use one of the tools you are offered", result.Refusal("exec"));
        Assert.Null(result.Refusal("read"));
    }
}
