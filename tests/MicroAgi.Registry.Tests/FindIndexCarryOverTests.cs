using System.Text.Json.Nodes;

namespace MicroAgi.Registry.Tests;

/// <summary>Indexes built on one version are carried to the next: finds must see every change.</summary>
public class FindIndexCarryOverTests
{
    private static Entry Tagged(string id, string kind, string group) =>
        Entry.Create(EntryId.Parse(id), kind, new JsonObject { ["type"] = "tool", ["group"] = group, ["tags"] = new JsonArray(group, "all") }, []);

    private static string[] Ids(IRegistry registry, EntryQuery query) => registry.Find(query).Select(e => e.Id.ToString()).ToArray();

    [Fact]
    public async Task Finds_after_creates_updates_deletes_and_kind_changes_match_a_fresh_scan()
    {
        var registry = EntryRegistry.CreateInMemory([
            Tagged("app.generated:a", "function.lua", "g1"),
            Tagged("app.generated:b", "function.lua", "g2"),
            Tagged("app.tools:c", "function.native", "g1"),
        ]);
        var byGroup = new EntryQuery { Kind = "function.*" }.WithMeta("group", "g1");
        var byTag = EntryQuery.ByMeta("tags", "g2");
        Assert.Equal(["app.generated:a", "app.tools:c"], Ids(registry, byGroup)); // builds the indexes
        Assert.Equal(["app.generated:b"], Ids(registry, byTag));

        await registry.ApplyAsync(new ChangeSet()
            .Create(Tagged("app.generated:d", "function.lua", "g1"))
            .Update(Tagged("app.generated:a", "function.lua", "g2"))
            .Delete(EntryId.Parse("app.tools:c"))
            .Delete(EntryId.Parse("app.generated:b"))
            .Create(Tagged("app.generated:b", "registry.entry", "g1")));

        Assert.Equal(["app.generated:d"], Ids(registry, byGroup));
        Assert.Equal(["app.generated:a"], Ids(registry, byTag));
        Assert.Equal(["app.generated:b"], Ids(registry, EntryQuery.ByKind("registry.entry")));
        Assert.Empty(Ids(registry, EntryQuery.ByNamespace("app.tools")));
        Assert.Equal(["app.generated:a", "app.generated:b", "app.generated:d"], Ids(registry, EntryQuery.ByMeta("tags", "all")));

        await registry.RollbackAsync(0);
        Assert.Equal(["app.generated:a", "app.tools:c"], Ids(registry, byGroup));
        Assert.Equal(["app.generated:b"], Ids(registry, byTag));
    }
}
