using System.Text.Json.Nodes;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Testing.FakeLlm;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Tests.Providers;

public sealed class OpenAIProviderTests : ProviderContractTests
{
    protected override ProviderKind Kind => ProviderKind.OpenAI;

    protected override FakeLlmServer StartServer(FakeServerOptions? options = null) => FakeOpenAIServer.Start(options);

    protected override JsonObject ToolSchemaOf(JsonNode request, string toolName) =>
        request["tools"]!.AsArray().Single(t => t!["function"]!["name"]!.GetValue<string>() == toolName)!["function"]!["parameters"]!.AsObject();

    protected override int OutputLimitOf(JsonNode request) => request["max_completion_tokens"]!.GetValue<int>();

    [Fact]
    public async Task Reports_usage_with_cached_and_reasoning_tokens()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("done").WithUsage(prompt: 1200, completion: 80, cached: 1000, reasoning: 30));
        using var client = Client(server);

        var usage = (await CollectAsync(client.GetStreamingResponseAsync(Ask("hi")))).ToChatResponse().Usage;

        Assert.NotNull(usage);
        Assert.Equal(1200, usage.InputTokenCount);
        Assert.Equal(80, usage.OutputTokenCount);
        Assert.Equal(1280, usage.TotalTokenCount);
        Assert.Equal(1000, usage.CachedInputTokenCount);
        Assert.Equal(30, usage.ReasoningTokenCount);
    }

    [Fact]
    public async Task Sends_the_key_as_a_bearer_token_and_a_placeholder_when_there_is_none()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("a"), FakeReply.Say("b"));
        using var withKey = Client(server);
        using var withoutKey = Client(server, key: "");

        await withKey.GetResponseAsync(Ask("hi"));
        await withoutKey.GetResponseAsync(Ask("hi"));

        Assert.Equal($"Bearer {Key}", server.ChatRequests[0].Header("Authorization"));
        Assert.Equal("Bearer no-key", server.ChatRequests[1].Header("Authorization"));
    }

    [Fact]
    public async Task Sends_the_conversation_with_tool_calls_and_results_in_chat_completions_form()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("It is sunny."));
        using var client = Client(server);
        List<ChatMessage> conversation =
        [
            new(ChatRole.System, "You are terse."),
            new(ChatRole.User, "Weather in Paris?"),
            new(ChatRole.Assistant, [new TextContent("Checking."), new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", new { sky = "clear", celsius = 21 })]),
        ];

        await client.GetResponseAsync(conversation, new ChatOptions { Tools = [Tool("get_weather")] });

        var messages = server.ChatRequests.Single().Json!["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "tool"], messages.Select(m => m!["role"]!.GetValue<string>()));
        var call = messages[2]!["tool_calls"]![0]!;
        Assert.Equal("call_1", call["id"]!.GetValue<string>());
        Assert.Equal("get_weather", call["function"]!["name"]!.GetValue<string>());
        Assert.Equal("Paris", JsonNode.Parse(call["function"]!["arguments"]!.GetValue<string>())!["city"]!.GetValue<string>());
        Assert.Equal("call_1", messages[3]!["tool_call_id"]!.GetValue<string>());
        Assert.Equal(21, JsonNode.Parse(messages[3]!["content"]!.GetValue<string>())!["celsius"]!.GetValue<int>());
    }

    /// <summary>
    /// M.E.AI's adapter writes a past call's arguments indented (a line break and indentation per member, which the
    /// model reads at every later request); they go out compact, with the same values: nested objects, numbers as
    /// written, quotes, non-ASCII text; and the body escapes no more than JSON needs.
    /// </summary>
    [Fact]
    public async Task Sends_past_tool_call_arguments_as_compact_json_with_the_same_values()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("ok"));
        using var client = Client(server);
        var arguments = JsonNode.Parse("""{"path":"notes/été.md","lines":[1,2.50,-3e2],"options":{"quote":"say \"hi\"","empty":{}},"flag":null}""")!.AsObject();
        List<ChatMessage> conversation =
        [
            new(ChatRole.User, "Edit my notes."),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "edit", arguments.ToDictionary(p => p.Key, p => (object?)p.Value))]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "done")]),
        ];

        await client.GetResponseAsync(conversation);

        var sent = server.ChatRequests.Single().Json!["messages"]![1]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>();
        Assert.Equal("""{"path":"notes/été.md","lines":[1,2.50,-3e2],"options":{"quote":"say \"hi\"","empty":{}},"flag":null}""", sent);
        // On the wire a quote is \" and non-ASCII text is UTF-8, not \u0022 and \u00e9: the same JSON in fewer bytes.
        Assert.Contains("""{\"path\":\"notes/été.md\",""", server.ChatRequests.Single().Body, StringComparison.Ordinal);
    }

    /// <summary>
    /// Past messages are written once and their JSON reused at later steps; what goes on the wire must
    /// not change because of it — also for a tool message holding two results (two wire messages) and a call
    /// whose name no server accepts.
    /// </summary>
    [Fact]
    public async Task Sends_past_messages_the_same_at_every_step()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("one"), FakeReply.Say("two"));
        using var client = Client(server);
        List<ChatMessage> conversation =
        [
            new(ChatRole.User, "Weather in Paris and Rome?"),
            new(ChatRole.Assistant, [
                new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" }),
                new FunctionCallContent("call_2", "get weather", new Dictionary<string, object?> { ["city"] = "Rome" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "sunny"), new FunctionResultContent("call_2", "unknown tool")]),
        ];

        await client.GetResponseAsync(conversation);
        conversation.Add(new ChatMessage(ChatRole.Assistant, "Sunny in Paris."));
        conversation.Add(new ChatMessage(ChatRole.User, "And tomorrow?"));
        await client.GetResponseAsync(conversation);

        var first = server.ChatRequests[0].Json!["messages"]!.AsArray();
        var second = server.ChatRequests[1].Json!["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "tool", "tool"], first.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal(["unnamed"], [first[1]!["tool_calls"]![1]!["function"]!["name"]!.GetValue<string>()]);
        Assert.Equal(6, second.Count);
        for (var i = 0; i < first.Count; i++) Assert.Equal(first[i]!.ToJsonString(), second[i]!.ToJsonString());
    }

    /// <summary>
    /// Past messages are written once and their JSON reused by reference; a conversation whose messages were
    /// replaced (compression) or interleaved with another conversation on the same client must still go out
    /// exactly as it is, with the options' instructions first.
    /// </summary>
    [Fact]
    public async Task Sends_each_conversation_as_it_is_when_messages_are_replaced_or_interleaved()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("1"), FakeReply.Say("2"), FakeReply.Say("3"), FakeReply.Say("4"));
        using var client = Client(server);
        List<ChatMessage> agent = [new(ChatRole.System, "agent"), new(ChatRole.User, "first"), new(ChatRole.Assistant, "one")];
        List<ChatMessage> other = [new(ChatRole.System, "other"), new(ChatRole.User, "elsewhere")];

        await client.GetResponseAsync(agent);
        await client.GetResponseAsync(other, new ChatOptions { Instructions = "be brief" });
        agent[1] = new ChatMessage(ChatRole.User, "summary of first");
        agent.Add(new ChatMessage(ChatRole.User, "next"));
        await client.GetResponseAsync(agent);
        other.RemoveAt(1);
        await client.GetResponseAsync(other);

        string[] Texts(int request) => [.. server.ChatRequests[request].Json!["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>())];
        Assert.Equal(["agent", "first", "one"], Texts(0));
        Assert.Equal(["be brief", "other", "elsewhere"], Texts(1));
        Assert.Equal("system", server.ChatRequests[1].Json!["messages"]![0]!["role"]!.GetValue<string>());
        Assert.Equal(["agent", "summary of first", "one", "next"], Texts(2));
        Assert.Equal(["other"], Texts(3));
    }

    [Fact]
    public async Task Sends_reasoning_effort_but_no_temperature_to_a_reasoning_model()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("a"), FakeReply.Say("b"), FakeReply.Say("c"));
        var reasoning = TestModel with { Capabilities = ["generate", "thinking"], ThinkingEffort = 10 };
        using var reasoningClient = Client(server, model: reasoning);
        using var plainClient = Client(server);

        await reasoningClient.GetResponseAsync(Ask("hi"), new ChatOptions { Temperature = 0.3f });
        await reasoningClient.GetResponseAsync(Ask("hi"), new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } });
        await plainClient.GetResponseAsync(Ask("hi"), new ChatOptions { Temperature = 0.3f, Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } });

        var requests = server.ChatRequests.Select(r => r.Json!.AsObject()).ToList();
        Assert.Equal("low", requests[0]["reasoning_effort"]!.GetValue<string>()); // the model's default, 10 of 100
        Assert.False(requests[0].ContainsKey("temperature"));
        Assert.Equal("high", requests[1]["reasoning_effort"]!.GetValue<string>());
        Assert.False(requests[2].ContainsKey("reasoning_effort"));
        Assert.Equal(0.3, requests[2]["temperature"]!.GetValue<double>(), precision: 3);
    }

    [Fact]
    public async Task Reports_tool_calls_as_such_when_a_server_finishes_them_with_stop()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Call("get_time", "{}").FinishedBy(FakeFinish.Stop));
        using var client = Client(server);

        var response = (await CollectAsync(client.GetStreamingResponseAsync(Ask("time?"), new ChatOptions { Tools = [Tool("get_time", "{}")] }))).ToChatResponse();

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
    }
}
