using MicroAgi.Registry;

namespace MicroAgi.Agents.Tests.Tools;

public sealed class PersistenceTests
{
    [Fact]
    public async Task A_tool_created_in_one_session_is_listed_loaded_and_called_in_the_next()
    {
        using var state = new TempDirectory();
        var database = Path.Combine(state.Path, "registry.db");

        await using (var first = await ToolTestHost.OpenSqliteAsync(database))
        {
            var created = await first.CreateToolAsync(ToolSources.CreateArguments("current_time_utc", ToolSources.CurrentTime, modules: "time"));
            Assert.True(created.IsSuccess, created.ToString());
        }

        await using var second = await ToolTestHost.OpenSqliteAsync(database);
        var list = await second.CallAsync("app.tools:registry_list", """{"namespace": "app.generated", "type": "tool"}""");
        var load = await second.CallAsync("app.tools:load_tool", """{"id": "app.generated:current_time_utc"}""");
        var call = await second.CallAsync("app.generated:current_time_utc", "{}");

        Assert.Equal("app.generated:current_time_utc", (string?)list.Value!["entries"]![0]!["id"]);
        Assert.True(load.IsSuccess, load.ToString());
        Assert.True((bool)load.Value!["loaded"]!);
        Assert.True(call.IsSuccess, call.ToString());
        Assert.Equal("UTC", (string?)call.Value!["zone"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)call.Value["iso"]);
    }

    [Fact]
    public async Task Versions_of_a_generated_tool_survive_a_restart_and_roll_back()
    {
        using var state = new TempDirectory();
        var database = Path.Combine(state.Path, "registry.db");
        long firstVersion;

        await using (var first = await ToolTestHost.OpenSqliteAsync(database))
        {
            var v1 = await first.CreateToolAsync(ToolSources.CreateArguments("echo_text", ToolSources.Echo));
            firstVersion = (long)v1.Value!["version"]!;
            var v2 = await first.CreateToolAsync(ToolSources.CreateArguments("echo_text", "return { handler = function() return 'broken' end }"));
            Assert.Equal("updated", (string?)v2.Value!["action"]);
        }

        await using var second = await ToolTestHost.OpenSqliteAsync(database);
        var history = await second.Registry.HistoryAsync();
        Assert.Equal(["create_tool: create tool app.generated:echo_text", "create_tool: update tool app.generated:echo_text"], history.Select(v => v.Description!).ToArray());
        Assert.Equal("\"broken\"", (await second.CallAsync("app.generated:echo_text", "{}")).Value!.ToJsonString());

        await second.Registry.RollbackAsync(firstVersion);

        var call = await second.CallAsync("app.generated:echo_text", """{"text": "back"}""");
        Assert.Equal("back", (string?)call.Value!["echo"]);
        Assert.Equal(ToolSources.Echo, second.Registry.Get(EntryId.Parse("app.generated:echo_text"))!.DataString("source"));
    }
}
