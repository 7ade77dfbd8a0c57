using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Security.Tests;

public sealed class ConditionTests
{
    private static readonly Actor Alice = new("user:alice", new JsonObject
    {
        ["role"] = "admin",
        ["level"] = 3,
        ["name"] = "Alice",
        ["flag"] = true,
        ["tags"] = new JsonArray("a", "b"),
        ["nested"] = new JsonObject { ["deep"] = new JsonObject { ["x"] = 1 } },
        ["nothing"] = null,
    });

    /// <summary>Whether an allow policy with this single condition applies to Alice creating app.generated:x.</summary>
    private static bool Holds(string field, string op, string? valueJson, string? requestMetaJson = null)
    {
        var condition = new JsonObject { ["field"] = field, ["operator"] = op };
        if (valueJson is not null) condition["value"] = JsonNode.Parse(valueJson);
        var data = new JsonObject
        {
            ["policy"] = new JsonObject { ["actions"] = "*", ["resources"] = "*", ["effect"] = "allow", ["conditions"] = new JsonArray(condition) },
        };
        var policy = PolicyEntries.Compile("app:p", data.ToJsonString());
        var meta = requestMetaJson is null ? default : JsonDocument.Parse(requestMetaJson).RootElement;
        return policy.Evaluate(Alice, "create", "app.generated:x", meta) switch
        {
            PolicyResult.Allow => true,
            PolicyResult.Undefined => false,
            var other => throw new InvalidOperationException($"an allow policy returned {other}"),
        };
    }

    [Theory]
    [InlineData("actor.meta.role", "\"admin\"", true)]
    [InlineData("actor.meta.role", "\"Admin\"", false)]
    [InlineData("actor.meta.level", "3", true)]
    [InlineData("actor.meta.level", "3.0", true)]
    [InlineData("actor.meta.level", "4", false)]
    [InlineData("actor.meta.level", "\"3\"", false)]
    [InlineData("actor.meta.flag", "true", true)]
    [InlineData("actor.meta.flag", "false", false)]
    [InlineData("actor.meta.tags", "[\"a\", \"b\"]", true)]
    [InlineData("actor.meta.tags", "[\"b\", \"a\"]", false)]
    [InlineData("actor.meta.nested", "{\"deep\": {\"x\": 1.0}}", true)]
    [InlineData("actor.meta.nested.deep.x", "1", true)]
    [InlineData("actor.meta.tags.1", "\"b\"", true)]
    [InlineData("actor.meta.tags.2", "\"b\"", false)]
    [InlineData("actor.id", "\"user:alice\"", true)]
    [InlineData("actor.id", "\"user:bob\"", false)]
    [InlineData("action", "\"create\"", true)]
    [InlineData("action", "\"update\"", false)]
    [InlineData("resource", "\"app.generated:x\"", true)]
    [InlineData("resource", "\"app:x\"", false)]
    public void Eq_holds_for_equal_values_and_ne_is_its_opposite(string field, string value, bool equal)
    {
        Assert.Equal(equal, Holds(field, "eq", value));
        Assert.Equal(!equal, Holds(field, "ne", value));
    }

    [Theory]
    [InlineData("actor.meta.level", "lt", "4", true)]
    [InlineData("actor.meta.level", "lt", "3", false)]
    [InlineData("actor.meta.level", "lte", "3", true)]
    [InlineData("actor.meta.level", "lte", "2.5", false)]
    [InlineData("actor.meta.level", "gt", "2", true)]
    [InlineData("actor.meta.level", "gt", "3", false)]
    [InlineData("actor.meta.level", "gte", "3", true)]
    [InlineData("actor.meta.level", "gte", "3.5", false)]
    [InlineData("actor.meta.level", "gt", "-1e400", true)]
    [InlineData("actor.meta.level", "lt", "1e400", true)]
    [InlineData("actor.meta.name", "lt", "\"Bob\"", true)]
    [InlineData("actor.meta.name", "gt", "\"alice\"", false)]
    [InlineData("actor.meta.name", "lt", "\"alice\"", true)]
    [InlineData("actor.meta.name", "gte", "\"Alice\"", true)]
    [InlineData("actor.meta.name", "lte", "\"Al\"", false)]
    [InlineData("action", "gt", "\"a\"", true)]
    [InlineData("actor.meta.level", "lt", "\"9\"", false)]
    [InlineData("actor.meta.level", "gte", "\"0\"", false)]
    [InlineData("actor.meta.name", "lt", "5", false)]
    [InlineData("actor.meta.flag", "gt", "0", false)]
    [InlineData("actor.meta.tags", "lt", "5", false)]
    public void Ordering_compares_numbers_numerically_strings_ordinally_and_never_across_types(string field, string op, string value, bool expected) =>
        Assert.Equal(expected, Holds(field, op, value));

    [Theory]
    [InlineData("actor.meta.role", "[\"admin\", \"owner\"]", true)]
    [InlineData("actor.meta.role", "[\"owner\"]", false)]
    [InlineData("actor.meta.role", "[]", false)]
    [InlineData("actor.meta.level", "[1, 3.0]", true)]
    [InlineData("actor.meta.level", "[\"3\"]", false)]
    [InlineData("action", "[\"create\", \"update\"]", true)]
    [InlineData("action", "[\"delete\"]", false)]
    [InlineData("actor.meta.tags", "[[\"a\", \"b\"], \"x\"]", true)]
    public void In_holds_when_the_value_list_contains_the_field_and_nin_is_its_opposite(string field, string list, bool contained)
    {
        Assert.Equal(contained, Holds(field, "in", list));
        Assert.Equal(!contained, Holds(field, "nin", list));
    }

    [Theory]
    [InlineData("actor.meta.role", true)]
    [InlineData("actor.meta.nested.deep", true)]
    [InlineData("actor.meta.flag", true)]
    [InlineData("actor.meta", true)]
    [InlineData("actor.id", true)]
    [InlineData("action", true)]
    [InlineData("actor.meta.absent", false)]
    [InlineData("actor.meta.nothing", false)]
    [InlineData("actor.meta.role.sub", false)]
    [InlineData("actor.meta.tags.x", false)]
    [InlineData("meta", false)]
    [InlineData("meta.anything", false)]
    public void Exists_holds_for_present_non_null_fields_and_nexists_is_its_opposite(string field, bool present)
    {
        Assert.Equal(present, Holds(field, "exists", null));
        Assert.Equal(!present, Holds(field, "nexists", null));
    }

    [Fact]
    public void Exists_accepts_an_explicit_true_value() => Assert.True(Holds("actor.meta.role", "exists", "true"));

    [Theory]
    [InlineData("actor.meta.name", "\"lic\"", true)]
    [InlineData("actor.meta.name", "\"LIC\"", false)]
    [InlineData("actor.meta.name", "\"\"", true)]
    [InlineData("resource", "\"generated\"", true)]
    [InlineData("actor.id", "\"bob\"", false)]
    [InlineData("actor.meta.tags", "\"a\"", true)]
    [InlineData("actor.meta.tags", "\"z\"", false)]
    [InlineData("actor.meta.name", "3", false)]
    [InlineData("actor.meta.level", "3", false)]
    [InlineData("actor.meta.nested", "\"deep\"", false)]
    public void Contains_tests_substrings_of_strings_and_elements_of_lists_and_ncontains_is_its_opposite(string field, string value, bool contained)
    {
        Assert.Equal(contained, Holds(field, "contains", value));
        Assert.Equal(!contained, Holds(field, "ncontains", value));
    }

    [Fact]
    public void Contains_on_a_list_compares_numbers_by_value()
    {
        var actor = new Actor("user:x", new JsonObject { ["ids"] = new JsonArray(1, 2.5) });
        var policy = PolicyEntries.Compile("app:p", """
            {"policy": {"actions": "*", "resources": "*", "effect": "deny",
                        "conditions": [{"field": "actor.meta.ids", "operator": "contains", "value": 1.0}]}}
            """);
        Assert.Equal(PolicyResult.Deny, policy.Evaluate(actor, "a", "r"));
    }

    [Theory]
    [InlineData("actor.meta.name", "\"^A.*e$\"", true)]
    [InlineData("actor.meta.name", "\"^a\"", false)]
    [InlineData("actor.meta.name", "\"li\"", true)]
    [InlineData("actor.id", "\"^user:[a-z]+$\"", true)]
    [InlineData("resource", "\"^app\\\\.generated:\"", true)]
    [InlineData("resource", "\"^app:\"", false)]
    [InlineData("actor.meta.level", "\"3\"", false)]
    [InlineData("actor.meta.tags", "\"a\"", false)]
    public void Matches_runs_a_regex_on_string_fields_and_nmatches_is_its_opposite(string field, string pattern, bool matched)
    {
        Assert.Equal(matched, Holds(field, "matches", pattern));
        Assert.Equal(!matched, Holds(field, "nmatches", pattern));
    }

    [Theory]
    [InlineData("eq", "\"x\"", false)]
    [InlineData("ne", "\"x\"", true)]
    [InlineData("lt", "1", false)]
    [InlineData("gt", "1", false)]
    [InlineData("lte", "\"z\"", false)]
    [InlineData("gte", "\"\"", false)]
    [InlineData("in", "[\"x\", null]", false)]
    [InlineData("nin", "[\"x\"]", true)]
    [InlineData("exists", null, false)]
    [InlineData("nexists", null, true)]
    [InlineData("contains", "\"\"", false)]
    [InlineData("ncontains", "\"x\"", true)]
    [InlineData("matches", "\".*\"", false)]
    [InlineData("nmatches", "\".*\"", true)]
    public void Missing_field_makes_positive_operators_false_and_negated_ones_true(string op, string? value, bool expected)
    {
        Assert.Equal(expected, Holds("actor.meta.absent", op, value));
        Assert.Equal(expected, Holds("actor.meta.nothing", op, value));
        Assert.Equal(expected, Holds("meta.absent", op, value));
        Assert.Equal(expected, Holds("meta.absent", op, value, requestMetaJson: """{"other": 1}"""));
    }

    [Theory]
    [InlineData("meta.path", "eq", "\"/tmp/x\"", true)]
    [InlineData("meta.path", "matches", "\"^/etc/\"", false)]
    [InlineData("meta.size", "gt", "1000", true)]
    [InlineData("meta.size", "lte", "1000", false)]
    [InlineData("meta.labels.0", "eq", "\"fast\"", true)]
    [InlineData("meta", "exists", null, true)]
    public void Request_meta_fields_are_read_from_the_meta_passed_to_evaluate(string field, string op, string? value, bool expected) =>
        Assert.Equal(expected, Holds(field, op, value, requestMetaJson: """{"path": "/tmp/x", "size": 4096, "labels": ["fast"]}"""));

    [Fact]
    public void Request_meta_may_be_given_as_a_json_object()
    {
        var policy = PolicyEntries.Compile("app:p", """
            {"policy": {"actions": "*", "resources": "*", "effect": "deny",
                        "conditions": [{"field": "meta.size", "operator": "gt", "value": 10}]}}
            """);

        Assert.Equal(PolicyResult.Deny, policy.Evaluate(Alice, "write", "file:x", new JsonObject { ["size"] = 11 }));
        Assert.Equal(PolicyResult.Undefined, policy.Evaluate(Alice, "write", "file:x", new JsonObject { ["size"] = 10 }));
        Assert.Equal(PolicyResult.Undefined, policy.Evaluate(Alice, "write", "file:x"));
    }

    [Fact]
    public void Every_condition_must_hold_for_the_policy_to_apply()
    {
        var policy = PolicyEntries.Compile("app:p", """
            {"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [
                {"field": "actor.meta.role", "operator": "eq", "value": "agent"},
                {"field": "actor.meta.level", "operator": "lt", "value": 5}
            ]}}
            """);

        Assert.Equal(PolicyResult.Deny, policy.Evaluate(new Actor("a", new JsonObject { ["role"] = "agent", ["level"] = 1 }), "x", "y"));
        Assert.Equal(PolicyResult.Undefined, policy.Evaluate(new Actor("a", new JsonObject { ["role"] = "agent", ["level"] = 9 }), "x", "y"));
        Assert.Equal(PolicyResult.Undefined, policy.Evaluate(new Actor("a", new JsonObject { ["role"] = "user", ["level"] = 1 }), "x", "y"));
    }

    [Fact]
    public void Policy_applies_only_when_both_action_and_resource_match()
    {
        var policy = PolicyEntries.Compile("app:p", """{"policy": {"actions": ["create", "update"], "resources": "app:*", "effect": "deny"}}""");

        Assert.Equal(PolicyResult.Deny, policy.Evaluate(Alice, "update", "app:x"));
        Assert.Equal(PolicyResult.Undefined, policy.Evaluate(Alice, "delete", "app:x"));
        Assert.Equal(PolicyResult.Undefined, policy.Evaluate(Alice, "create", "app.generated:x"));
    }
}
