using System.Text.Json.Nodes;
using MicroAgi.Agents.Runtime;
using MicroAgi.Functions;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Runtime;

/// <summary>A tool receives the arguments the model wrote, value for value, whatever their JSON types and nesting.</summary>
public class ToolArgumentsTests
{
    private const string Arguments = """
        {"text":"h\u00e9llo \"quoted\"\n","n":-1.5e3,"big":12345678901234567890,"flag":true,"none":null,
         "list":[1,{"a":[]},"x",null,false],"obj":{"nested":{"deep":[null,{"k":"v"}]}},"empty":{}}
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_tool_gets_the_arguments_as_the_model_wrote_them(bool stream)
    {
        await using var fx = new LoopFixture(new AgentSettings { Stream = stream, ToolTimeout = TimeSpan.FromSeconds(5) }, extraEntries: LoopFixture.NativeTool("mirror"));
        JsonNode? received = null;
        fx.Natives.Register("app.tools:mirror", (call, _) =>
        {
            received = call.Arguments?.DeepClone();
            return Task.FromResult(FunctionResult.Success(new JsonObject { ["ok"] = true }));
        });
        fx.Server.Enqueue(FakeReply.Call("mirror", Arguments), FakeReply.Say("done"));

        var result = await fx.NewSession().RunTurnAsync("go", new RecordingObserver());

        Assert.Equal("done", result.Text);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Arguments), received), received?.ToJsonString());
        // The arguments as the next request repeats them are the model's too.
        var sent = fx.Server.ChatRequests[1].Json!["messages"]!.AsArray().Single(m => m!["tool_calls"] is not null)!["tool_calls"]![0]!["function"]!["arguments"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Arguments), JsonNode.Parse((string)sent!)));
    }
}
