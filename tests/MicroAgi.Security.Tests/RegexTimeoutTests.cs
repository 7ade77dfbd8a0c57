using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAgi.Registry;

namespace MicroAgi.Security.Tests;

public sealed class RegexTimeoutTests
{
    private const string HostileCondition = """
        {"policy": {"actions": "*", "resources": "*", "effect": "deny",
                    "conditions": [{"field": "actor.meta.name", "operator": "matches", "value": "^(a+)+$"}]}}
        """;

    // 40 'a's then a mismatch: catastrophic backtracking takes ~2^40 steps, far beyond any timeout.
    private static readonly Actor HostileActor = new("user:x", new JsonObject { ["name"] = new string('a', 40) + "!" });

    [Fact]
    public void Catastrophic_regex_fails_evaluation_with_an_error_naming_policy_and_condition()
    {
        var policy = Policy.FromEntry(PolicyEntries.FromJson("app:slow", HostileCondition), TimeSpan.FromMilliseconds(20));

        var ex = Assert.Throws<PolicyEvaluationException>(() => policy.Evaluate(HostileActor, "create", "app:x"));

        Assert.StartsWith("security policy 'app:slow' could not be evaluated: policy.conditions[0] (actor.meta.name matches \"^(a+)+$\") gave up after 20 ms on a 41-character value",
            ex.Message, StringComparison.Ordinal);
        Assert.IsType<RegexMatchTimeoutException>(ex.InnerException);
    }

    [Fact]
    public void Catastrophic_regex_fails_the_whole_scope_instead_of_being_skipped()
    {
        var scopes = SecurityScopes.FromEntries(
            [PolicyEntries.FromJson("app:slow", HostileCondition.Replace("}}", "}, \"groups\": \"g\"}", StringComparison.Ordinal))],
            TimeSpan.FromMilliseconds(20));

        var ex = Assert.Throws<PolicyEvaluationException>(() => scopes.NamedScope("app:g").Evaluate(HostileActor, "create", "app:x"));

        Assert.Equal(EntryId.Parse("app:slow"), ex.PolicyId);
    }

    [Fact]
    public void Same_regex_on_a_harmless_value_evaluates_normally()
    {
        var policy = Policy.FromEntry(PolicyEntries.FromJson("app:slow", HostileCondition), TimeSpan.FromMilliseconds(20));

        Assert.Equal(PolicyResult.Deny, policy.Evaluate(new Actor("user:x", new JsonObject { ["name"] = "aaaa" }), "create", "app:x"));
    }
}
