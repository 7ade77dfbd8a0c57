using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Runtime;

/// <summary>
/// Tool calls no tool can answer — without a name, with a name of megabytes — are error results the
/// model reads; the conversation that holds them can still be sent, in this session and after a resume.
/// </summary>
public class MalformedToolCallTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_tool_call_with_an_empty_name_is_an_error_result_and_the_conversation_can_still_be_sent(bool stream)
    {
        await using var fx = new LoopFixture(new AgentSettings { Stream = stream, ToolTimeout = TimeSpan.FromSeconds(2) });
        fx.Server.Enqueue(FakeReply.Call("", """{"text":"x"}""", "nameless"), FakeReply.Say("recovered"), FakeReply.Say("still here"));
        var session = fx.NewSession();
        var observer = new RecordingObserver();

        var result = await session.RunTurnAsync("try it", observer);
        var next = await session.RunTurnAsync("and again", observer);

        Assert.Equal("recovered", result.Text);
        Assert.Equal("still here", next.Text);
        Assert.Contains(observer.Events, e => e.StartsWith("[] error: the tool call has no name", StringComparison.Ordinal));
        var messages = fx.Server.ChatRequests[1].Json!["messages"]!.AsArray();
        var call = messages.Single(m => m!["tool_calls"] is not null)!["tool_calls"]![0]!;
        Assert.Equal("nameless", (string?)call["id"]);
        Assert.False(string.IsNullOrEmpty((string?)call["function"]!["name"]));
        var toolMessage = messages.Single(m => (string?)m!["role"] == "tool")!;
        Assert.Contains("no name", (string?)toolMessage["content"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_streamed_tool_call_without_a_name_field_is_an_error_result()
    {
        await using var fx = new LoopFixture();
        var chunk = """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"arguments":"{}"}}]},"finish_reason":null}]}""";
        var finish = """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""";
        fx.Server.Enqueue(
            FakeReply.RawResponse(200, "text/event-stream", $"data: {chunk}\n\ndata: {finish}\n\ndata: [DONE]\n\n"),
            FakeReply.Say("recovered"));
        var observer = new RecordingObserver();

        var result = await fx.NewSession().RunTurnAsync("try it", observer);

        Assert.Equal("recovered", result.Text);
        Assert.Contains(observer.Events, e => e.StartsWith("[] error: the tool call has no name", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_conversation_that_already_holds_a_nameless_call_can_be_continued()
    {
        await using var fx = new LoopFixture();
        fx.Server.Enqueue(FakeReply.Say("resumed"));
        // What a transcript written before nameless calls were handled holds.
        var history = new List<ChatMessage>
        {
            new(ChatRole.User, "first"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_0", "", new Dictionary<string, object?>())]),
            new(ChatRole.Tool, [new FunctionResultContent("call_0", """{"error":"unknown tool ''"}""")]),
            new(ChatRole.Assistant, "sorry"),
        };

        var result = await fx.NewSession(new Conversation(history: history)).RunTurnAsync("second", new RecordingObserver());

        Assert.Equal("resumed", result.Text);
        Assert.Single(fx.Server.ChatRequests);
    }

    [Fact]
    public async Task The_error_result_for_a_huge_unknown_name_does_not_repeat_it_whole()
    {
        await using var fx = new LoopFixture();
        fx.Server.Enqueue(FakeReply.Call(new string('n', 200_000), "{}", "huge"), FakeReply.Say("recovered"));
        var observer = new RecordingObserver();

        var result = await fx.NewSession().RunTurnAsync("try it", observer);

        Assert.Equal("recovered", result.Text);
        var toolMessage = fx.Server.ChatRequests[1].Json!["messages"]!.AsArray().Single(m => (string?)m!["role"] == "tool")!;
        var content = (string)toolMessage["content"]!;
        Assert.Contains("unknown tool 'nnnn", content, StringComparison.Ordinal);
        Assert.True(content.Length < 1_000, $"the error result has {content.Length} characters");
        // Nor is the name itself sent back with every later request.
        Assert.True(fx.Server.ChatRequests[1].Body.Length < 50_000, $"the second request has {fx.Server.ChatRequests[1].Body.Length} characters");
    }
}
