using System.Text.Json.Nodes;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Providers;
using MicroAgi.Testing.FakeLlm;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Tests.Providers;

public sealed class AnthropicProviderTests : ProviderContractTests
{
    protected override ProviderKind Kind => ProviderKind.Anthropic;

    protected override FakeLlmServer StartServer(FakeServerOptions? options = null) => FakeAnthropicServer.Start(options);

    protected override JsonObject ToolSchemaOf(JsonNode request, string toolName) =>
        request["tools"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == toolName)!["input_schema"]!.AsObject();

    protected override int OutputLimitOf(JsonNode request) => request["max_tokens"]!.GetValue<int>();

    [Theory]
    [InlineData(false, "application/json", "[]")]
    [InlineData(false, "application/json", """{"id":"m","type":"message","role":"assistant","model":"x","content":"zz","stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}""")]
    [InlineData(false, "application/json", """{"id":"m","type":"message","role":"assistant","model":"x","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":"x","output_tokens":1}}""")]
    [InlineData(true, "text/event-stream", "event: message_start\ndata: null\n\n")]
    // The Anthropic package reads these itself and says so (AnthropicInvalidDataException): no check of ours needed.
    public async Task Reports_a_malformed_200_answer_as_an_invalid_response(bool streaming, string contentType, string body)
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.RawResponse(200, contentType, body));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<LlmException>(() => streaming
            ? CollectAsync(client.GetStreamingResponseAsync(Ask("hi")))
            : client.GetResponseAsync(Ask("hi")));

        Assert.Equal(LlmErrorKind.InvalidResponse, error.Kind);
    }

    [Fact]
    public async Task Reports_usage_with_cached_tokens_counted_in_the_input()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("done").WithUsage(prompt: 1200, completion: 80, cached: 1000));
        server.Enqueue(FakeReply.Say("done").WithUsage(prompt: 1200, completion: 80, cached: 1000));
        using var client = Client(server);

        var streamed = (await CollectAsync(client.GetStreamingResponseAsync(Ask("hi")))).ToChatResponse().Usage;
        var complete = (await client.GetResponseAsync(Ask("hi"))).Usage;

        foreach (var usage in (UsageDetails?[])[streamed, complete])
        {
            Assert.NotNull(usage);
            Assert.Equal(1200, usage.InputTokenCount);
            Assert.Equal(80, usage.OutputTokenCount);
            Assert.Equal(1000, usage.CachedInputTokenCount);
        }
    }

    [Fact]
    public async Task Sends_the_conversation_with_tool_use_and_tool_results_in_messages_form()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("It is sunny."));
        using var client = Client(server);
        List<ChatMessage> conversation =
        [
            new(ChatRole.System, "You are terse."),
            new(ChatRole.User, "Weather in Paris?"),
            new(ChatRole.Assistant, [new TextContent("Checking."), new FunctionCallContent("toolu_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_1", "clear, 21 C")]),
        ];

        await client.GetResponseAsync(conversation, new ChatOptions { Tools = [Tool("get_weather")] });

        var request = server.ChatRequests.Single().Json!;
        Assert.Contains("You are terse.", request["system"]!.ToJsonString(), StringComparison.Ordinal);
        var messages = request["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        var toolUse = messages[1]!["content"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "tool_use")!;
        Assert.Equal("Paris", toolUse["input"]!["city"]!.GetValue<string>());
        var toolResult = messages[2]!["content"]![0]!;
        Assert.Equal("tool_result", toolResult["type"]!.GetValue<string>());
        Assert.Equal("toolu_1", toolResult["tool_use_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Asks_a_thinking_model_to_think_and_leaves_other_models_alone()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("a"), FakeReply.Say("b"));
        using var thinking = Client(server, model: TestModel with { Capabilities = ["thinking"], ThinkingEffort = 50 });
        using var plain = Client(server);

        await thinking.GetResponseAsync(Ask("hi"));
        await plain.GetResponseAsync(Ask("hi"), new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } });

        Assert.True(server.ChatRequests[0].Json!.AsObject().ContainsKey("thinking"));
        Assert.False(server.ChatRequests[1].Json!.AsObject().ContainsKey("thinking"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Marks_the_system_prompt_and_the_last_tool_as_prompt_cache_breakpoints_and_nothing_else(bool asInstructions)
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("a"));
        using var client = Client(server);
        List<ChatMessage> conversation = asInstructions ? [] : [new(ChatRole.System, "You are terse.")];
        conversation.Add(new ChatMessage(ChatRole.User, "hi"));
        var options = new ChatOptions { Tools = [Tool("read_file"), Tool("write_file")], Instructions = asInstructions ? "You are terse." : null };

        await client.GetResponseAsync(conversation, options);

        var request = server.ChatRequests.Single().Json!;
        var system = request["system"]!.AsArray();
        Assert.Equal("You are terse.", system[^1]!["text"]!.GetValue<string>());
        Assert.Equal("ephemeral", system[^1]!["cache_control"]!["type"]!.GetValue<string>());
        var tools = request["tools"]!.AsArray();
        Assert.Null(tools[0]!["cache_control"]);
        Assert.Equal("ephemeral", tools[1]!["cache_control"]!["type"]!.GetValue<string>());
        Assert.DoesNotContain("cache_control", request["messages"]!.ToJsonString(), StringComparison.Ordinal);
        // The caller's messages and options are left as they were.
        Assert.Null(options.Tools[1].AdditionalProperties.GetValueOrDefault("CacheControl"));
        Assert.All(conversation.SelectMany(m => m.Contents), c => Assert.Null(c.AdditionalProperties));
    }

    [Fact]
    public async Task Sends_the_key_in_an_authorization_header()
    {
        await using var server = StartServer(new FakeServerOptions { ApiKey = Key });
        server.Enqueue(FakeReply.Say("welcome"));
        using var client = Client(server);

        var response = await client.GetResponseAsync(Ask("hi"));

        Assert.Equal("welcome", response.Text);
        Assert.Equal($"Bearer {Key}", server.ChatRequests.Single().Header("Authorization"));
    }
}
