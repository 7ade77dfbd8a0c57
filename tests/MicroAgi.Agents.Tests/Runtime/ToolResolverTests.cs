using MicroAgi.Agents.Runtime;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Tests.Runtime;

/// <summary>An agent's <c>tools</c> list: entry ids and id patterns with the security policies' rules.</summary>
public class ToolResolverTests
{
    private static readonly RegistrySnapshot Registry = EntryRegistry.CreateInMemory([
        LoopFixture.NativeTool("read"),
        LoopFixture.NativeTool("echo", ns: "mcp.everything"),
        LoopFixture.NativeTool("list_files", ns: "mcp.fs"),
        LoopFixture.NativeTool("shout", ns: "mcpx"),
        LoopFixture.NativeTool("deep", ns: "app.tools.more"),
    ]).Snapshot();

    private static string[] Ids(params string[] references) =>
        [.. ToolResolver.ResolveEntries(Registry, references).Tools.Select(t => t.Id.ToString())];

    [Fact]
    public void A_namespace_pattern_takes_exactly_that_namespace()
    {
        Assert.Equal(["app.tools:read"], Ids("app.tools:*"));
    }

    [Fact]
    public void A_prefix_pattern_takes_every_namespace_it_starts()
    {
        Assert.Equal(["mcp.everything:echo", "mcp.fs:list_files"], Ids("mcp.*"));
        Assert.Equal(["mcp.everything:echo"], Ids("mcp.everything:e*"));
    }

    [Fact]
    public void Star_alone_takes_every_tool_and_an_id_takes_one()
    {
        Assert.Equal(5, Ids("*").Length);
        Assert.Equal(["mcpx:shout"], Ids("mcpx:shout"));
    }
}
