using System.Text.Json;
using MicroAgi.Registry;

namespace MicroAgi.Security.Tests;

public sealed class PolicyParsingTests
{
    [Fact]
    public void Single_string_actions_and_resources_become_one_pattern_each()
    {
        var policy = PolicyEntries.Compile("app:p", """{"policy": {"actions": "*", "resources": "app:*", "effect": "deny"}}""");

        Assert.Equal(EntryId.Parse("app:p"), policy.Id);
        Assert.Equal(["*"], policy.Actions.Select(a => a.Text));
        Assert.Equal(["app:*"], policy.Resources.Select(r => r.Text));
        Assert.Equal(PolicyEffect.Deny, policy.Effect);
        Assert.Empty(policy.Conditions);
        Assert.Empty(policy.Groups);
    }

    [Fact]
    public void Lists_of_actions_and_resources_keep_their_order()
    {
        var policy = PolicyEntries.Compile("app:p",
            """{"policy": {"actions": ["create", "update"], "resources": ["app.generated:*", "app:x"], "effect": "allow"}}""");

        Assert.Equal(["create", "update"], policy.Actions.Select(a => a.Text));
        Assert.Equal(["app.generated:*", "app:x"], policy.Resources.Select(r => r.Text));
        Assert.Equal(PolicyEffect.Allow, policy.Effect);
    }

    [Fact]
    public void Group_without_namespace_takes_the_policy_namespace()
    {
        var policy = PolicyEntries.Compile("app:p", """{"policy": {"actions": "*", "resources": "*", "effect": "deny"}, "groups": ["agent_security"]}""");

        Assert.Equal([EntryId.Parse("app:agent_security")], policy.Groups);
    }

    [Fact]
    public void Group_of_a_policy_in_a_sub_namespace_takes_that_sub_namespace()
    {
        var policy = PolicyEntries.Compile("app.generated:p", """{"policy": {"actions": "*", "resources": "*", "effect": "deny"}, "groups": ["mine"]}""");

        Assert.Equal([EntryId.Parse("app.generated:mine")], policy.Groups);
    }

    [Fact]
    public void Group_with_a_namespace_is_kept_as_written()
    {
        var policy = PolicyEntries.Compile("app:p", """{"policy": {"actions": "*", "resources": "*", "effect": "deny"}, "groups": ["x.y:grp", "local"]}""");

        Assert.Equal([EntryId.Parse("x.y:grp"), EntryId.Parse("app:local")], policy.Groups);
    }

    [Fact]
    public void A_single_group_may_be_written_as_a_string_and_repeats_collapse()
    {
        Assert.Equal([EntryId.Parse("app:g")],
            PolicyEntries.Compile("app:p", """{"policy": {"actions": "*", "resources": "*", "effect": "deny"}, "groups": "g"}""").Groups);
        Assert.Equal([EntryId.Parse("app:g")],
            PolicyEntries.Compile("app:p", """{"policy": {"actions": "*", "resources": "*", "effect": "deny"}, "groups": ["g", "app:g"]}""").Groups);
    }

    [Fact]
    public void Conditions_are_read_with_field_operator_and_value()
    {
        var policy = PolicyEntries.Compile("app:p", """
            {"policy": {"actions": "*", "resources": "*", "effect": "allow", "conditions": [
                {"field": "actor.meta.role", "operator": "eq", "value": "admin"},
                {"field": "meta.flag", "operator": "exists"}
            ]}}
            """);

        Assert.Collection(policy.Conditions,
            c =>
            {
                Assert.Equal("actor.meta.role", c.Field);
                Assert.Equal(ConditionOperator.Eq, c.Operator);
                Assert.Equal("admin", c.Value.GetString());
                Assert.Equal("actor.meta.role eq \"admin\"", c.ToString());
            },
            c =>
            {
                Assert.Equal(ConditionOperator.Exists, c.Operator);
                Assert.Equal(JsonValueKind.Undefined, c.Value.ValueKind);
                Assert.Equal("meta.flag exists", c.ToString());
            });
    }

    [Fact]
    public void Other_data_keys_beside_policy_and_groups_are_ignored()
    {
        var policy = PolicyEntries.Compile("app:p", """{"comment": "why", "policy": {"actions": "*", "resources": "*", "effect": "deny"}}""");
        Assert.Equal(PolicyEffect.Deny, policy.Effect);
    }

    public static TheoryData<string, string> InvalidPolicies => new()
    {
        { """{}""", "it has no 'policy'; write policy: {actions: ..., resources: ..., effect: allow|deny}" },
        { """{"policy": null}""", "it has no 'policy'; write policy: {actions: ..., resources: ..., effect: allow|deny}" },
        { """{"policy": "deny"}""", "'policy' must be an object with actions, resources and effect, not a string" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "condition": []}}""",
            "'policy' has an unknown key 'condition'; the keys are actions, resources, effect and conditions" },
        { """{"policy": {"resources": "*", "effect": "deny"}}""",
            "'policy.actions' is missing; give one pattern (\"*\", \"app:*\", \"create\") or a list of them" },
        { """{"policy": {"actions": null, "resources": "*", "effect": "deny"}}""",
            "'policy.actions' is missing; give one pattern (\"*\", \"app:*\", \"create\") or a list of them" },
        { """{"policy": {"actions": "", "resources": "*", "effect": "deny"}}""",
            "'policy.actions' is an empty string; give one pattern (\"*\", \"app:*\", \"create\") or a list of them" },
        { """{"policy": {"actions": [], "resources": "*", "effect": "deny"}}""",
            "'policy.actions' is an empty list; give one pattern (\"*\", \"app:*\", \"create\") or a list of them" },
        { """{"policy": {"actions": ["create", 3], "resources": "*", "effect": "deny"}}""",
            "'policy.actions[1]' is a number; every pattern must be a string" },
        { """{"policy": {"actions": ["create", ""], "resources": "*", "effect": "deny"}}""",
            "'policy.actions[1]' is an empty string; give one pattern (\"*\", \"app:*\", \"create\") or a list of them" },
        { """{"policy": {"actions": {"a": 1}, "resources": "*", "effect": "deny"}}""",
            "'policy.actions' must be a string or a list of strings, not an object" },
        { """{"policy": {"actions": "*", "effect": "deny"}}""",
            "'policy.resources' is missing; give one pattern (\"*\", \"app:*\", \"create\") or a list of them" },
        { """{"policy": {"actions": "*", "resources": [], "effect": "deny"}}""",
            "'policy.resources' is an empty list; give one pattern (\"*\", \"app:*\", \"create\") or a list of them" },
        { """{"policy": {"actions": "*", "resources": ""}}""",
            "'policy.resources' is an empty string; give one pattern (\"*\", \"app:*\", \"create\") or a list of them" },
        { """{"policy": {"actions": "*", "resources": "*"}}""", "'policy.effect' is missing; use 'allow' or 'deny'" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": true}}""", "'policy.effect' must be 'allow' or 'deny', not a boolean" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "maybe"}}""", "'policy.effect' is 'maybe'; use 'allow' or 'deny'" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "Deny"}}""", "'policy.effect' is 'Deny'; use 'allow' or 'deny'" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": "role = admin"}}""",
            "'policy.conditions' must be a list of {field, operator, value} objects, not a string" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [["actor.id", "eq", "x"]]}}""",
            "'policy.conditions[0]' must be an object {field, operator, value}, not a list" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "action", "op": "eq", "value": "x"}]}}""",
            "'policy.conditions[0]' has an unknown key 'op'; the keys are field, operator and value" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"operator": "eq", "value": "x"}]}}""",
            "'policy.conditions[0].field' is missing; name what to test: actor.id, actor.meta.<path>, action, resource or meta.<path>" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": 7, "operator": "eq", "value": "x"}]}}""",
            "'policy.conditions[0].field' is a number, not a string; name what to test: actor.id, actor.meta.<path>, action, resource or meta.<path>" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "user.id", "operator": "eq", "value": "x"}]}}""",
            "'policy.conditions[0].field': unknown field 'user.id'; use actor.id, actor.meta.<path>, action, resource or meta.<path>" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "actor.metadata", "operator": "eq", "value": "x"}]}}""",
            "'policy.conditions[0].field': unknown field 'actor.metadata'; use actor.id, actor.meta.<path>, action, resource or meta.<path>" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "actor.meta..role", "operator": "eq", "value": "x"}]}}""",
            "'policy.conditions[0].field': field 'actor.meta..role' has an empty path segment; write it as actor.meta.key or actor.meta.key.subkey" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "meta.", "operator": "eq", "value": "x"}]}}""",
            "'policy.conditions[0].field': field 'meta.' has an empty path segment; write it as meta.key or meta.key.subkey" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "action", "value": "x"}]}}""",
            "'policy.conditions[0].operator' is missing; use one of eq, ne, lt, gt, lte, gte, in, nin, exists, nexists, contains, ncontains, matches, nmatches" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "action", "operator": "equals", "value": "x"}]}}""",
            "'policy.conditions[0].operator' 'equals' is not an operator; use one of eq, ne, lt, gt, lte, gte, in, nin, exists, nexists, contains, ncontains, matches, nmatches" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "action", "operator": "EQ", "value": "x"}]}}""",
            "'policy.conditions[0].operator' 'EQ' is not an operator; use one of eq, ne, lt, gt, lte, gte, in, nin, exists, nexists, contains, ncontains, matches, nmatches" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "action", "operator": "eq"}]}}""",
            "'policy.conditions[0].value' is missing; eq needs a value to compare with (to test whether a field is there, use exists or nexists)" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "action", "operator": "ne", "value": null}]}}""",
            "'policy.conditions[0].value' is missing; ne needs a value to compare with (to test whether a field is there, use exists or nexists)" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "action", "operator": "contains"}]}}""",
            "'policy.conditions[0].value' is missing; contains needs a value to compare with (to test whether a field is there, use exists or nexists)" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "meta.n", "operator": "lt", "value": [1]}]}}""",
            "'policy.conditions[0].value' must be a number or a string for lt, not a list" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "meta.n", "operator": "gte", "value": true}]}}""",
            "'policy.conditions[0].value' must be a number or a string for gte, not a boolean" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "action", "operator": "in", "value": "create"}]}}""",
            "'policy.conditions[0].value' must be a list of values for in, not a string" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "action", "operator": "nin"}]}}""",
            "'policy.conditions[0].value' is missing; nin needs a list of values (to test whether a field is there, use exists or nexists)" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "meta.n", "operator": "gt", "value": null}]}}""",
            "'policy.conditions[0].value' is missing; gt needs a number or a string (to test whether a field is there, use exists or nexists)" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "action", "operator": "matches"}]}}""",
            "'policy.conditions[0].value' is missing; matches needs a regular expression string (to test whether a field is there, use exists or nexists)" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "action", "operator": "matches", "value": 5}]}}""",
            "'policy.conditions[0].value' must be a regular expression string for matches, not a number" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "meta.x", "operator": "exists", "value": false}]}}""",
            "'policy.conditions[0].value' must be left out for exists (it tests only whether the field is there; use nexists for the opposite)" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "meta.x", "operator": "nexists", "value": "y"}]}}""",
            "'policy.conditions[0].value' must be left out for nexists (it tests only whether the field is there; use exists for the opposite)" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny"}, "groups": 5}""",
            "'groups' must be a group name or a list of group names, not a number" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny"}, "groups": ["ok", {"name": "x"}]}""",
            "'groups[1]' is an object; every group name must be a string" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny"}, "groups": [" "]}""",
            "'groups[0]' is empty; name the group, e.g. agent_security" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny"}, "groups": ["x.y:"]}""",
            "'groups[0]' ('x.y:') is not a valid group: entry id 'x.y:' has an empty name; write it as 'namespace:name'" },
        { """{"policy": {"actions": "*", "resources": "*", "effect": "deny"}, "groups": ":grp"}""",
            "'groups' (':grp') is not a valid group: entry id ':grp' has an empty namespace; write it as 'namespace:name'" },
    };

    [Theory]
    [MemberData(nameof(InvalidPolicies))]
    public void Invalid_policy_is_rejected_with_a_message_naming_the_entry_and_the_problem(string dataJson, string problem)
    {
        var ex = Assert.Throws<InvalidPolicyException>(() => PolicyEntries.Compile("app.generated:bad", dataJson));

        Assert.Equal($"invalid security policy 'app.generated:bad': {problem}", ex.Message);
        Assert.Equal(EntryId.Parse("app.generated:bad"), ex.PolicyId);
        Assert.Equal(problem, ex.Problem);
    }

    [Fact]
    public void Invalid_regular_expression_is_rejected_when_the_policy_is_built()
    {
        var ex = Assert.Throws<InvalidPolicyException>(() => PolicyEntries.Compile("app:p",
            """{"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [{"field": "action", "operator": "nmatches", "value": "(unclosed"}]}}"""));

        Assert.StartsWith("invalid security policy 'app:p': 'policy.conditions[0].value' is not a valid .NET regular expression: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(unclosed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entry_of_another_kind_is_not_a_policy()
    {
        var entry = PolicyEntries.FromJson("app:tool", """{"policy": {"actions": "*", "resources": "*", "effect": "deny"}}""", kind: "function.lua");

        var ex = Assert.Throws<InvalidPolicyException>(() => Policy.FromEntry(entry));

        Assert.Equal("invalid security policy 'app:tool': the entry is of kind 'function.lua', not 'security.policy'", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Regex_timeout_must_be_positive(int milliseconds)
    {
        var entry = PolicyEntries.Simple("app:p", "deny", "*", "*");

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Policy.FromEntry(entry, TimeSpan.FromMilliseconds(milliseconds)));

        Assert.Contains("the regex timeout must be positive", ex.Message, StringComparison.Ordinal);
    }
}
