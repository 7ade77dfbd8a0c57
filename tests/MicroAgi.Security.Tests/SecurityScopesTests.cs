using System.Text.Json.Nodes;
using MicroAgi.Registry;

namespace MicroAgi.Security.Tests;

public sealed class SecurityScopesTests
{
    private static readonly Actor Agent = new("service:agent", new JsonObject { ["role"] = "agent" });

    private static Entry Tool(string id) =>
        Entry.Create(EntryId.Parse(id), "function.lua", new JsonObject { ["type"] = "tool" }, new JsonObject { ["source"] = "return {}" });

    [Fact]
    public void Named_scope_holds_exactly_the_policies_of_its_group()
    {
        var scopes = SecurityScopes.FromEntries(
        [
            .. PolicyEntries.SeedAgentSecurity(),
            PolicyEntries.Simple("app:other", "deny", "*", "*", "other_group"),
            PolicyEntries.Simple("ops:shared", "deny", "delete", "*", "app:agent_security"),
        ]);

        var scope = scopes.NamedScope("app:agent_security");

        Assert.Equal(["app:deny_core_ns", "app:deny_tools_ns", "ops:shared"], scope.Policies.Select(p => p.Id.ToString()));
        Assert.Equal(["app:other"], scopes.NamedScope("app:other_group").Policies.Select(p => p.Id.ToString()));
        Assert.Equal(["app:agent_security", "app:other_group"], scopes.ScopeIds.Select(id => id.ToString()));
    }

    [Fact]
    public void A_policy_may_belong_to_several_scopes()
    {
        var scopes = SecurityScopes.FromEntries([PolicyEntries.Simple("app:p", "deny", "*", "*", "one", "two")]);

        Assert.Equal(PolicyResult.Deny, scopes.NamedScope("app:one").Evaluate(Agent, "x", "y"));
        Assert.Equal(PolicyResult.Deny, scopes.NamedScope("app:two").Evaluate(Agent, "x", "y"));
    }

    [Fact]
    public void Unknown_scope_is_empty_and_undefined()
    {
        var scopes = SecurityScopes.FromEntries(PolicyEntries.SeedAgentSecurity());

        var scope = scopes.NamedScope("app:no_such_group");

        Assert.Same(SecurityScope.Empty, scope);
        Assert.Equal(PolicyResult.Undefined, scope.Evaluate(Agent, "create", "app:dev_assistant"));
    }

    [Fact]
    public void Group_name_is_not_guessed_when_the_scope_name_lacks_a_namespace()
    {
        var scopes = SecurityScopes.FromEntries(PolicyEntries.SeedAgentSecurity());

        var ex = Assert.Throws<ArgumentException>(() => scopes.NamedScope("agent_security"));

        Assert.StartsWith("scope name is not 'namespace:group' (entry id 'agent_security' has no ':'; write it as 'namespace:name'); e.g. app:agent_security",
            ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_of_other_kinds_are_ignored()
    {
        var scopes = SecurityScopes.FromEntries([Tool("app.tools:doc_search"), .. PolicyEntries.SeedAgentSecurity()]);

        Assert.Equal(2, scopes.Policies.Count);
        Assert.Empty(scopes.Problems);
    }

    [Fact]
    public void Broken_policy_fails_its_own_scope_closed_and_leaves_other_scopes_working()
    {
        var broken = PolicyEntries.FromJson("app.generated:sneaky",
            """{"policy": {"actions": "*", "resources": "*", "effect": "permit"}, "groups": ["app:agent_security"]}""");
        var scopes = SecurityScopes.FromEntries([.. PolicyEntries.SeedAgentSecurity(), broken, PolicyEntries.Simple("app:p", "deny", "*", "*", "other")]);

        var ex = Assert.Throws<InvalidPolicyException>(() => scopes.NamedScope("app:agent_security"));

        Assert.Equal("invalid security policy 'app.generated:sneaky': 'policy.effect' is 'permit'; use 'allow' or 'deny'", ex.Message);
        Assert.Equal(PolicyResult.Deny, scopes.NamedScope("app:other").Evaluate(Agent, "x", "y"));
        Assert.Equal([new PolicyProblem(EntryId.Parse("app.generated:sneaky"), "'policy.effect' is 'permit'; use 'allow' or 'deny'")], scopes.Problems);
        Assert.Equal(3, scopes.Policies.Count);
    }

    [Fact]
    public void Policy_whose_groups_cannot_be_read_fails_every_scope_closed()
    {
        var broken = PolicyEntries.FromJson("app.generated:odd", """{"policy": {"actions": "*", "resources": "*", "effect": "deny"}, "groups": 42}""");
        var scopes = SecurityScopes.FromEntries([.. PolicyEntries.SeedAgentSecurity(), broken]);

        var ex = Assert.Throws<InvalidPolicyException>(() => scopes.NamedScope("app:agent_security"));
        Assert.Equal("invalid security policy 'app.generated:odd': 'groups' must be a group name or a list of group names, not a number", ex.Message);
        Assert.Throws<InvalidPolicyException>(() => scopes.NamedScope("app:anything"));
    }

    [Fact]
    public async Task Policy_added_through_a_changeset_is_seen_by_the_named_scope()
    {
        await using var registry = EntryRegistry.CreateInMemory([.. PolicyEntries.SeedAgentSecurity(), Tool("app.generated:weather")]);
        var scopes = new SecurityScopes(registry);
        Assert.Equal(PolicyResult.Undefined, scopes.NamedScope("app:agent_security").Evaluate(Agent, "update", "app.generated:weather"));

        await registry.ApplyAsync(new ChangeSet().Create(PolicyEntries.Simple("app:freeze_generated", "deny", "update", "app.generated:*", "agent_security")));

        Assert.Equal(PolicyResult.Deny, scopes.NamedScope("app:agent_security").Evaluate(Agent, "update", "app.generated:weather"));
        Assert.Equal(PolicyResult.Undefined, scopes.NamedScope("app:agent_security").Evaluate(Agent, "create", "app.generated:weather"));
    }

    [Fact]
    public async Task Policy_changed_deleted_or_rolled_back_at_runtime_takes_effect_at_the_next_lookup()
    {
        await using var registry = EntryRegistry.CreateInMemory(PolicyEntries.SeedAgentSecurity());
        var scopes = new SecurityScopes(registry);
        var tools = EntryId.Parse("app:deny_tools_ns");
        Assert.Equal(PolicyResult.Deny, scopes.NamedScope("app:agent_security").Evaluate(Agent, "create", "app.tools:doc_search"));

        var allowTools = PolicyEntries.Simple("app:deny_tools_ns", "allow", "*", "app.tools:*", "agent_security");
        await registry.ApplyAsync(new ChangeSet().Update(allowTools));
        Assert.Equal(PolicyResult.Allow, scopes.NamedScope("app:agent_security").Evaluate(Agent, "create", "app.tools:doc_search"));

        await registry.ApplyAsync(new ChangeSet().Delete(tools));
        Assert.Equal(PolicyResult.Undefined, scopes.NamedScope("app:agent_security").Evaluate(Agent, "create", "app.tools:doc_search"));
        Assert.Equal(PolicyResult.Deny, scopes.NamedScope("app:agent_security").Evaluate(Agent, "create", "app:dev_assistant"));

        await registry.RollbackAsync(0);
        Assert.Equal(PolicyResult.Deny, scopes.NamedScope("app:agent_security").Evaluate(Agent, "create", "app.tools:doc_search"));
    }

    [Fact]
    public async Task Scope_returned_earlier_keeps_the_policies_of_its_version()
    {
        await using var registry = EntryRegistry.CreateInMemory(PolicyEntries.SeedAgentSecurity());
        var scopes = new SecurityScopes(registry);
        var before = scopes.NamedScope("app:agent_security");

        await registry.ApplyAsync(new ChangeSet().Delete(EntryId.Parse("app:deny_core_ns")));

        Assert.Equal(PolicyResult.Deny, before.Evaluate(Agent, "create", "app:dev_assistant"));
        Assert.Equal(PolicyResult.Undefined, scopes.NamedScope("app:agent_security").Evaluate(Agent, "create", "app:dev_assistant"));
    }

    [Fact]
    public async Task Unchanged_policies_are_not_recompiled_when_other_entries_change()
    {
        await using var registry = EntryRegistry.CreateInMemory(PolicyEntries.SeedAgentSecurity());
        var scopes = new SecurityScopes(registry);
        var first = scopes.NamedScope("app:agent_security");
        Assert.Same(first, scopes.NamedScope("app:agent_security"));

        await registry.ApplyAsync(new ChangeSet().Create(Tool("app.generated:weather")));
        var second = scopes.NamedScope("app:agent_security");

        Assert.Equal(first.Policies.Count, second.Policies.Count);
        Assert.All(first.Policies.Zip(second.Policies), pair => Assert.Same(pair.First, pair.Second));
    }

    [Fact]
    public async Task Policy_broken_at_runtime_fails_its_scope_until_it_is_fixed()
    {
        await using var registry = EntryRegistry.CreateInMemory(PolicyEntries.SeedAgentSecurity());
        var scopes = new SecurityScopes(registry);
        var bad = PolicyEntries.FromJson("app:deny_core_ns", """{"policy": {"actions": [], "resources": "app:*", "effect": "deny"}, "groups": ["agent_security"]}""");

        await registry.ApplyAsync(new ChangeSet().Update(bad));
        var ex = Assert.Throws<InvalidPolicyException>(() => scopes.NamedScope("app:agent_security"));
        Assert.Equal(EntryId.Parse("app:deny_core_ns"), ex.PolicyId);

        await registry.ApplyAsync(new ChangeSet().Update(PolicyEntries.SeedAgentSecurity()[0]));
        Assert.Equal(PolicyResult.Deny, scopes.NamedScope("app:agent_security").Evaluate(Agent, "create", "app:dev_assistant"));
    }

    [Fact]
    public async Task Concurrent_lookups_while_policies_change_always_see_a_complete_version()
    {
        await using var registry = EntryRegistry.CreateInMemory(PolicyEntries.SeedAgentSecurity());
        var scopes = new SecurityScopes(registry);
        using var stop = new CancellationTokenSource();

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var lookups = 0;
            while (!stop.IsCancellationRequested || lookups == 0)
            {
                // Both seed policies are never removed, so every version must still deny core writes.
                Assert.Equal(PolicyResult.Deny, scopes.NamedScope("app:agent_security").Evaluate(Agent, "create", "app:dev_assistant"));
                lookups++;
            }
            return lookups;
        })).ToArray();

        for (var i = 0; i < 20; i++)
        {
            await registry.ApplyAsync(new ChangeSet().Create(PolicyEntries.Simple($"app.generated:p{i}", "allow", "*", "*", "app:agent_security")));
        }
        await stop.CancelAsync();
        var counts = await Task.WhenAll(readers);

        Assert.All(counts, count => Assert.True(count > 0));
        Assert.Equal(22, scopes.NamedScope("app:agent_security").Policies.Count);
    }
}
