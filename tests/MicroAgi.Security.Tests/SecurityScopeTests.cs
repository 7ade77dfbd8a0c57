using MicroAgi.Registry;

namespace MicroAgi.Security.Tests;

public sealed class SecurityScopeTests
{
    private static readonly Actor Agent = new("service:agent");

    private static Policy Compile(Entry entry) => Policy.FromEntry(entry);

    private static readonly Policy AllowAll = Compile(PolicyEntries.Simple("app:allow_all", "allow", "*", "*"));
    private static readonly Policy DenyCore = Compile(PolicyEntries.Simple("app:deny_core", "deny", "*", "app:*"));
    private static readonly Policy DenyDelete = Compile(PolicyEntries.Simple("app:deny_delete", "deny", "delete", "*"));
    private static readonly Policy AllowGenerated = Compile(PolicyEntries.Simple("app:allow_generated", "allow", "create", "app.generated:*"));

    [Fact]
    public void Deny_wins_over_allow_whichever_comes_first()
    {
        Assert.Equal(PolicyResult.Deny, new SecurityScope([AllowAll, DenyCore]).Evaluate(Agent, "create", "app:x"));
        Assert.Equal(PolicyResult.Deny, new SecurityScope([DenyCore, AllowAll]).Evaluate(Agent, "create", "app:x"));
    }

    [Fact]
    public void First_deny_is_reported_as_the_deciding_policy()
    {
        var decision = new SecurityScope([AllowAll, DenyDelete, DenyCore]).Decide(Agent, "delete", "app:x");

        Assert.Equal(new ScopeDecision(PolicyResult.Deny, EntryId.Parse("app:deny_delete")), decision);
    }

    [Fact]
    public void Policies_that_do_not_apply_are_skipped()
    {
        var scope = new SecurityScope([DenyCore, DenyDelete, AllowGenerated]);

        Assert.Equal(PolicyResult.Allow, scope.Evaluate(Agent, "create", "app.generated:x"));
        Assert.Equal(EntryId.Parse("app:allow_generated"), scope.Decide(Agent, "create", "app.generated:x").DecidedBy);
    }

    [Fact]
    public void Scope_is_undefined_when_no_policy_applies()
    {
        var scope = new SecurityScope([DenyCore, AllowGenerated]);

        Assert.Equal(PolicyResult.Undefined, scope.Evaluate(Agent, "update", "app.generated:x"));
        Assert.Equal(ScopeDecision.Undefined, scope.Decide(Agent, "update", "app.generated:x"));
    }

    [Fact]
    public void Empty_scope_is_undefined_for_everything()
    {
        Assert.Empty(SecurityScope.Empty.Policies);
        Assert.Equal(PolicyResult.Undefined, SecurityScope.Empty.Evaluate(Agent, "create", "app:x"));
    }

    [Fact]
    public void Scope_keeps_its_policies_in_the_given_order()
    {
        var scope = new SecurityScope([DenyDelete, AllowAll]);
        Assert.Equal([DenyDelete, AllowAll], scope.Policies);
    }

    [Fact]
    public void Scope_refuses_a_null_policy()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SecurityScope([AllowAll, null!]));
        Assert.StartsWith("a scope cannot hold a null policy", ex.Message, StringComparison.Ordinal);
    }
}
