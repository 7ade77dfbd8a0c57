using System.Text.Json.Nodes;
using MicroAgi.Cli.Hosting;
using MicroAgi.Functions;
using MicroAgi.Registry;

namespace MicroAgi.Cli.Tests.Hosting;

public sealed class ToolHostTests
{
    private static Entry LuaTool(int i) =>
        Entry.Create(new EntryId("app.generated", $"tool_{i}"), FunctionKinds.Lua,
            new JsonObject { ["type"] = "tool", ["input_schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["n"] = new JsonObject { ["type"] = "integer" } } } },
            new JsonObject { ["source"] = $"return {{ handler = function(input) return {{ n = input.n + {i} }} end }}", ["method"] = "handler" });

    [Fact]
    public async Task Tools_prepared_in_the_background_are_called_as_before_and_disposing_does_not_wait_for_the_rest()
    {
        var entries = Enumerable.Range(0, 200).Select(LuaTool).ToList();
        var host = ToolHost.Create(EntryRegistry.CreateInMemory(entries));
        host.StartWarmUp();
        host.PrepareInBackground([.. entries.Select(e => e.Id), new EntryId("app.generated", "missing")]);

        var result = await host.Functions.CallAsync(entries[7].Id, JsonNode.Parse("""{"n":1}"""));
        Assert.Equal("""{"n":8}""", result.ValueJson);
        var refused = await host.Functions.CallAsync(entries[7].Id, JsonNode.Parse("""{"n":"one"}"""));
        Assert.Equal(FunctionErrorKind.InvalidArguments, refused.ErrorKind);

        // Disposing stops the preparation between tools and must end even if it has 200 tools to go; twice is harmless.
        host.Dispose();
        host.Dispose();
    }
}
