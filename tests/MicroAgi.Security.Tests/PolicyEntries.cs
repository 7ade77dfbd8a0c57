using System.Text.Json.Nodes;
using MicroAgi.Registry;

namespace MicroAgi.Security.Tests;

/// <summary>Builds security.policy entries the way YAML loading produces them (policy and groups as data).</summary>
internal static class PolicyEntries
{
    public static Entry FromJson(string id, string dataJson, string kind = Policy.Kind) =>
        Entry.Create(EntryId.Parse(id), kind, null, JsonNode.Parse(dataJson)!.AsObject());

    public static Entry Simple(string id, string effect, string actions, string resources, params string[] groups)
    {
        var data = new JsonObject
        {
            ["policy"] = new JsonObject { ["actions"] = actions, ["resources"] = resources, ["effect"] = effect },
            ["groups"] = new JsonArray([.. groups.Select(g => (JsonNode)JsonValue.Create(g))]),
        };
        return Entry.Create(EntryId.Parse(id), Policy.Kind, null, data);
    }

    public static Policy Compile(string id, string dataJson) => Policy.FromEntry(FromJson(id, dataJson));

    /// <summary>The two deny policies of seed 000, group agent_security, namespace app.</summary>
    public static IReadOnlyList<Entry> SeedAgentSecurity() =>
    [
        Simple("app:deny_core_ns", "deny", "*", "app:*", "agent_security"),
        Simple("app:deny_tools_ns", "deny", "*", "app.tools:*", "agent_security"),
    ];
}
