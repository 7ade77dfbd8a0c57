using System.Text.Json.Nodes;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Llm.Tests.Providers;

public sealed class ToolStepWarmUpTests
{
    [Fact]
    public async Task The_warm_up_runs_the_tool_step_a_live_one_runs_and_writes_its_next_messages()
    {
        // If an SDK update changed the canned stream's meaning, the warm-up would silently warm nothing: this says so.
        var messages = JsonNode.Parse(await ToolStepWarmUp.WriteToolStepAsync())!.AsArray();

        Assert.Equal(["user", "assistant", "tool"], messages.Select(m => (string?)m!["role"]));
        var call = messages[1]!["tool_calls"]![0]!;
        Assert.Equal("call_w", (string?)call["id"]);
        Assert.Equal("warm_up", (string?)call["function"]!["name"]);
        Assert.Equal(1, (int?)JsonNode.Parse((string)call["function"]!["arguments"]!)!["n"]);
        Assert.Equal("call_w", (string?)messages[2]!["tool_call_id"]);
    }
}
