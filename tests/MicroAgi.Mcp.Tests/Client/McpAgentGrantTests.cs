using MicroAgi.Agents.Definitions;
using MicroAgi.Mcp.Client;
using MicroAgi.Registry;

namespace MicroAgi.Mcp.Tests.Client;

/// <summary>Which MCP servers a session starts: those whose tools the agent's <c>tools</c> or <c>loadable</c> can name.</summary>
public class McpAgentGrantTests
{
    private static readonly EntryId Everything = new("app.mcp", "everything");

    private static bool Grants(string[] tools, string[]? loadable = null) => McpAgentTools.Grants(
        new AgentDefinition { Id = new EntryId("app", "a"), Prompt = "p", Tools = tools, Loadable = loadable ?? [] }, Everything);

    [Theory]
    [InlineData("mcp.*")]
    [InlineData("mcp.everything:*")]
    [InlineData("mcp.every*")]
    [InlineData("mcp.everything:echo")]
    [InlineData("mcp.everything:ec*")]
    [InlineData("*")]
    public void A_pattern_or_id_that_can_name_one_of_its_tools_starts_the_server(string tool)
    {
        Assert.True(Grants([tool]));
        Assert.True(Grants([], loadable: [tool]));
    }

    [Theory]
    [InlineData("app.tools:*")]
    [InlineData("mcp.other:*")]
    [InlineData("mcp.everythingelse:*")]
    [InlineData("mcp:*")]
    [InlineData("mcp.everything")]
    public void A_pattern_that_names_none_of_its_tools_leaves_it_stopped(string tool)
    {
        Assert.False(Grants([tool]));
    }
}
