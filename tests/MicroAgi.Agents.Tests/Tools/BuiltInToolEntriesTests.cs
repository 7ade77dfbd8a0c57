using MicroAgi.Agents.Tools;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Functions.Schema;
using MicroAgi.Registry;
using MicroAgi.Registry.Loading;

namespace MicroAgi.Agents.Tests.Tools;

public sealed class BuiltInToolEntriesTests
{
    private static readonly IReadOnlyList<Entry> App = AppLoader.Load(new DirectoryAppFiles(RepoPaths.BuiltInApp));

    [Fact]
    public void Every_handler_has_a_tool_entry_in_app_tools_and_nothing_else_is_there()
    {
        var tools = App.Where(e => e.Id.Namespace == BuiltInTools.Namespace).ToList();

        // self's and add_mcp_server's handlers are registered per session (they work on that session), the others once per host.
        Assert.Equal(BuiltInTools.HandlerNames.Append(MicroAgi.Agents.Self.SelfTool.HandlerName).Append(MicroAgi.Agents.Runtime.ToolCallExecutor.AddMcpServerId.Name).Order(StringComparer.Ordinal), tools.Select(e => e.Id.Name).Order(StringComparer.Ordinal));
        foreach (var entry in tools)
        {
            Assert.Equal(FunctionKinds.Native, entry.Kind);
            Assert.Equal(entry.Id.Name, NativeFunctionCatalog.HandlerNameOf(entry));
            Assert.Equal("tool", entry.MetaString("type"));
            Assert.Equal(entry.Id.Name, entry.MetaString("llm_alias"));
            Assert.False(string.IsNullOrWhiteSpace(entry.MetaString("llm_description")), $"{entry.Id} has no llm_description");
            Assert.False(string.IsNullOrWhiteSpace(entry.MetaString("title")), $"{entry.Id} has no title");
            var schema = InputSchema.Compile(entry.Meta.GetProperty("input_schema"));
            Assert.NotNull(schema);
            Assert.Equal("object", entry.Meta.GetProperty("input_schema").GetProperty("type").GetString());
        }
    }

    [Fact]
    public void The_default_agent_lists_the_built_in_tools_and_every_mcp_servers_tools()
    {
        var agent = App.Single(e => e.Id.ToString() == "app:dev_assistant");

        Assert.Contains(agent.Data.GetProperty("tools").EnumerateArray(), t => t.GetString() == "app.tools:*");
        Assert.Contains(agent.Data.GetProperty("tools").EnumerateArray(), t => t.GetString() == "mcp.*");
    }

    [Fact]
    public void Registering_twice_in_one_catalog_is_refused()
    {
        using var runtime = new LuaRuntime();
        var registry = EntryRegistry.CreateInMemory(App);
        var services = new BuiltInToolServices(registry, new MicroAgi.Agents.Tools.Generated.GeneratedToolWriter(registry, runtime), MicroAgi.Agents.Tools.Docs.DocsCorpus.Empty);
        var catalog = BuiltInTools.Register(new NativeFunctionCatalog(), services);

        Assert.Equal(BuiltInTools.HandlerNames.Order(StringComparer.Ordinal), catalog.Names);
        Assert.Throws<InvalidOperationException>(() => BuiltInTools.Register(catalog, services));
    }
}
