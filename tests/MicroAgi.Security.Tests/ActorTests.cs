using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Security.Tests;

public sealed class ActorTests
{
    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Actor_needs_an_id(string id)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Actor(id));
        Assert.StartsWith("actor id is empty; give the actor an id such as 'service:agent'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Actor_meta_must_be_an_object()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Actor("service:agent", JsonDocument.Parse("[1]").RootElement));
        Assert.StartsWith("actor 'service:agent': meta must be a JSON object, not a list", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Actor_without_meta_has_an_empty_meta_object()
    {
        var actor = new Actor("service:agent");

        Assert.Equal("service:agent", actor.Id);
        Assert.Equal(JsonValueKind.Object, actor.Meta.ValueKind);
        Assert.Empty(actor.Meta.EnumerateObject());
    }

    [Fact]
    public void Actor_meta_from_plain_values_is_readable_by_conditions()
    {
        var actor = Actor.FromValues("service:agent", new Dictionary<string, object?>
        {
            ["role"] = "agent",
            ["level"] = 7,
            ["teams"] = new[] { "core", "tools" },
        });
        var policy = PolicyEntries.Compile("app:p", """
            {"policy": {"actions": "*", "resources": "*", "effect": "deny", "conditions": [
                {"field": "actor.meta.role", "operator": "eq", "value": "agent"},
                {"field": "actor.meta.level", "operator": "gte", "value": 7},
                {"field": "actor.meta.teams", "operator": "contains", "value": "tools"}
            ]}}
            """);

        Assert.Equal(PolicyResult.Deny, policy.Evaluate(actor, "create", "app:x"));
    }

    [Fact]
    public void Actor_meta_is_a_copy_that_later_edits_of_the_source_do_not_change()
    {
        var meta = new JsonObject { ["role"] = "agent" };
        var actor = new Actor("service:agent", meta);

        meta["role"] = "admin";

        Assert.Equal("agent", actor.Meta.GetProperty("role").GetString());
    }

    [Fact]
    public void Request_meta_must_be_an_object()
    {
        var policy = PolicyEntries.Compile("app:p", """{"policy": {"actions": "*", "resources": "*", "effect": "deny"}}""");

        var ex = Assert.Throws<ArgumentException>(() => policy.Evaluate(new Actor("a"), "x", "y", JsonDocument.Parse("\"text\"").RootElement));

        Assert.StartsWith("request meta must be a JSON object, not a string", ex.Message, StringComparison.Ordinal);
    }
}
