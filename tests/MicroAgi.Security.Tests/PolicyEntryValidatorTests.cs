using System.Text.Json.Nodes;
using MicroAgi.Registry;

namespace MicroAgi.Security.Tests;

public class PolicyEntryValidatorTests
{
    private static Entry PolicyEntry(string id, string effect) => Entry.Create(EntryId.Parse(id), "security.policy", [],
        new JsonObject
        {
            ["policy"] = new JsonObject { ["actions"] = "*", ["resources"] = "app:*", ["effect"] = effect },
            ["groups"] = new JsonArray("agent_security"),
        });

    [Fact]
    public async Task A_malformed_policy_is_refused_at_write_time_and_nothing_is_written()
    {
        var registry = EntryRegistry.CreateInMemory([], [new PolicyEntryValidator()]);

        var ex = await Assert.ThrowsAsync<ChangeSetConflictException>(() => registry.ApplyAsync(new ChangeSet()
            .Create(PolicyEntry("app:good", "deny"))
            .Create(PolicyEntry("app:bad", "maybe"))));

        Assert.Contains("create app:bad:", ex.Message);
        Assert.Contains("maybe", ex.Message);
        Assert.Null(registry.Get(EntryId.Parse("app:good")));
        Assert.Equal(0, registry.Version);
    }

    [Fact]
    public async Task Well_formed_policies_and_other_kinds_pass()
    {
        var registry = EntryRegistry.CreateInMemory([], [new PolicyEntryValidator()]);
        await registry.ApplyAsync(new ChangeSet()
            .Create(PolicyEntry("app:good", "deny"))
            .Create(Entry.Create(EntryId.Parse("app:other"), "registry.entry", [], new JsonObject { ["policy"] = "not checked" })));
        Assert.Equal(1, registry.Version);
    }
}
