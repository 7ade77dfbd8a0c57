using System.Text.Json.Nodes;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Llm.Tests.Providers;

// If an SDK update changed the canned exchange's meaning, the warm-up would silently warm nothing: these say so.
public sealed class ModelStepWarmUpTests
{
    [Fact]
    public async Task The_OpenAI_warm_up_runs_a_tool_step_and_the_step_after_it_as_a_live_session_would()
    {
        var (first, second) = await RunAsync(ProviderKind.OpenAI);

        Assert.Equal("warm_up", (string?)first["tools"]![0]!["function"]!["name"]);
        Assert.Equal(["system", "user"], Roles(first));
        var messages = second["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "tool"], Roles(second));
        var call = messages[2]!["tool_calls"]![0]!;
        Assert.Equal("call_w", (string?)call["id"]);
        Assert.Equal("warm_up", (string?)call["function"]!["name"]);
        Assert.Equal("""{"n":1}""", (string?)call["function"]!["arguments"]);
        Assert.Equal("call_w", (string?)messages[3]!["tool_call_id"]);
    }

    [Fact]
    public async Task The_Anthropic_warm_up_runs_a_tool_step_and_the_step_after_it_as_a_live_session_would()
    {
        var (first, second) = await RunAsync(ProviderKind.Anthropic);

        Assert.Equal("warm_up", (string?)first["tools"]![0]!["name"]);
        Assert.NotNull(first["system"]);
        Assert.Equal(["user"], Roles(first));
        var messages = second["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], Roles(second));
        var call = messages[1]!["content"]!.AsArray().Single(b => (string?)b!["type"] == "tool_use")!;
        Assert.Equal("toolu_w", (string?)call["id"]);
        Assert.Equal("warm_up", (string?)call["name"]);
        Assert.Equal(1, (int?)call["input"]!["n"]);
        var result = messages[2]!["content"]!.AsArray().Single(b => (string?)b!["type"] == "tool_result")!;
        Assert.Equal("toolu_w", (string?)result["tool_use_id"]);
    }

    /// <summary>The warm-up's two requests, once it is checked that it answered and that the first was streamed.</summary>
    private static async Task<(JsonNode First, JsonNode Second)> RunAsync(ProviderKind kind)
    {
        var (requests, answer) = await ModelStepWarmUp.RunToolStepAsync(kind);
        Assert.Equal("warm", answer);
        Assert.Equal(2, requests.Count);
        var first = JsonNode.Parse(requests[0])!;
        Assert.True((bool?)first["stream"]);
        return (first, JsonNode.Parse(requests[1])!);
    }

    private static IEnumerable<string?> Roles(JsonNode request) => request["messages"]!.AsArray().Select(m => (string?)m!["role"]);
}
