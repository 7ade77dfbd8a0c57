using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Testing.FakeLlm;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Tests.Providers;

/// <summary>Stream shapes of OpenAI-compatible servers other than OpenAI's own (Ollama, vLLM, proxies).</summary>
public sealed class OpenAICompatibleServerTests
{
    [Theory]
    [InlineData(OpenAIQuirks.WholeToolCalls)]
    [InlineData(OpenAIQuirks.NoToolCallIndex)]
    [InlineData(OpenAIQuirks.WholeToolCalls | OpenAIQuirks.NoToolCallIndex | OpenAIQuirks.UsageInFinishChunk)]
    [InlineData(OpenAIQuirks.NullChoicesInUsageChunk)]
    [InlineData(OpenAIQuirks.NoDoneMarker)]
    public async Task Understands_the_stream_of_a_server_with_these_quirks(OpenAIQuirks quirks)
    {
        await using var server = FakeOpenAIServer.Start(new FakeServerOptions { OpenAIQuirks = quirks });
        server.Enqueue(FakeReply.Say("Both.")
            .AndToolCall("get_weather", """{"city":"Lima"}""", "call_1")
            .AndToolCall("get_time", """{"zone":"America/Lima"}""", "call_2")
            .WithUsage(prompt: 100, completion: 20, cached: 50));
        using var client = Client(server);

        var response = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "weather and time")]).ToChatResponseAsync();

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_1", "call_2"], calls.Select(c => c.CallId));
        Assert.Equal("Lima", calls[0].Arguments!["city"]?.ToString());
        Assert.Equal("America/Lima", calls[1].Arguments!["zone"]?.ToString());
        Assert.Equal("Both.", response.Text);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(100, response.Usage?.InputTokenCount);
        Assert.Equal(50, response.Usage?.CachedInputTokenCount);
    }

    [Fact]
    public async Task Streams_the_text_of_a_server_that_answers_a_streaming_request_with_one_json_body()
    {
        await using var server = FakeOpenAIServer.Start(new FakeServerOptions { OpenAIQuirks = OpenAIQuirks.IgnoresStreamFlag });
        server.Enqueue(FakeReply.Say("Hello from a simple server.").WithUsage(prompt: 30, completion: 6));
        using var client = Client(server);

        var response = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).ToChatResponseAsync();

        Assert.True(server.ChatRequests.Single().IsStreaming);
        Assert.Equal("Hello from a simple server.", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(30, response.Usage?.InputTokenCount);
        Assert.Equal(6, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task Streams_the_tool_calls_of_a_server_that_answers_a_streaming_request_with_one_json_body()
    {
        await using var server = FakeOpenAIServer.Start(new FakeServerOptions { OpenAIQuirks = OpenAIQuirks.IgnoresStreamFlag });
        server.Enqueue(FakeReply.Say("Both.")
            .AndToolCall("get_weather", """{"city":"Lima"}""", "call_1")
            .AndToolCall("get_time", """{"zone":"America/Lima"}""", "call_2"));
        using var client = Client(server);

        var response = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "weather and time")]).ToChatResponseAsync();

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_1", "call_2"], calls.Select(c => c.CallId));
        Assert.Equal(["get_weather", "get_time"], calls.Select(c => c.Name));
        Assert.Equal("Lima", calls[0].Arguments!["city"]?.ToString());
        Assert.Equal("America/Lima", calls[1].Arguments!["zone"]?.ToString());
        Assert.Equal("Both.", response.Text);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/octet-stream")]
    public async Task Reads_a_stream_a_server_labels_with_another_media_type(string contentType)
    {
        await using var server = FakeOpenAIServer.Start();
        const string chunk = """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Labelled oddly."},"finish_reason":"stop"}]}""";
        server.Enqueue(FakeReply.RawResponse(200, contentType, $"data: {chunk}\n\ndata: [DONE]\n\n"));
        using var client = Client(server);

        var response = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).ToChatResponseAsync();

        Assert.Equal("Labelled oddly.", response.Text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Reports_an_error_object_sent_with_status_200_as_an_invalid_response_that_shows_it(bool streaming)
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.RawResponse(200, "application/json", """{"error":{"message":"model 'local' is still loading"}}"""));
        using var client = Client(server);
        List<ChatMessage> ask = [new(ChatRole.User, "hi")];

        var error = await Assert.ThrowsAsync<LlmException>(() => streaming
            ? client.GetStreamingResponseAsync(ask).ToChatResponseAsync()
            : client.GetResponseAsync(ask));

        Assert.Equal(LlmErrorKind.InvalidResponse, error.Kind);
        Assert.Contains("model 'local' is still loading", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a chat completion", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"id":"c","object":"chat.completion","created":1,"model":"m","choices":"x"}""")]
    [InlineData("""{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":"zz"},"finish_reason":"tool_calls"}]}""")]
    [InlineData("""{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":{"x":1}}}]},"finish_reason":"tool_calls"}]}""")]
    [InlineData("""{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":"x","total_tokens":2}}""")]
    public async Task Reports_a_malformed_200_answer_as_an_invalid_response_that_shows_it(string body)
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.RawResponse(200, "application/json", body));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<LlmException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(LlmErrorKind.InvalidResponse, error.Kind);
        Assert.Contains(body.Length <= 60 ? body : body[..60], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("""{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":"x"}""")]
    [InlineData("""{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":"zz"},"finish_reason":null}]}""")]
    [InlineData("""{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":{"x":1}}}]},"finish_reason":null}]}""")]
    [InlineData("""{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":"x","total_tokens":2}}""")]
    public async Task Reports_a_malformed_stream_event_as_an_invalid_response_that_shows_it(string data)
    {
        await using var server = FakeOpenAIServer.Start();
        var first = """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}""";
        var last = """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""";
        server.Enqueue(FakeReply.RawResponse(200, "text/event-stream", $"data: {first}\n\ndata: {data}\n\ndata: {last}\n\ndata: [DONE]\n\n"));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<LlmException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).ToChatResponseAsync());

        Assert.Equal(LlmErrorKind.InvalidResponse, error.Kind);
        Assert.Contains(data.Length <= 60 ? data : data[..60], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, OpenAIQuirks.None)]
    [InlineData(false, OpenAIQuirks.None)]
    [InlineData(true, OpenAIQuirks.ReasoningField)]
    [InlineData(false, OpenAIQuirks.ReasoningField)]
    public async Task Reads_the_reasoning_a_server_sends_beside_the_answer_and_never_sends_it_back(bool streaming, OpenAIQuirks quirks)
    {
        await using var server = FakeOpenAIServer.Start(new FakeServerOptions { OpenAIQuirks = quirks });
        server.Enqueue(
            FakeReply.Say("Lima is sunny.").AfterThinking("The user wants the weather; I know it.", signature: "unused").InTextChunksOf(6),
            FakeReply.Say("You're welcome."));
        using var client = Client(server);
        List<ChatMessage> conversation = [new(ChatRole.User, "weather in Lima?")];

        var response = streaming
            ? await client.GetStreamingResponseAsync(conversation).ToChatResponseAsync()
            : await client.GetResponseAsync(conversation);
        conversation.AddRange(response.Messages);
        conversation.Add(new ChatMessage(ChatRole.User, "thanks"));
        await client.GetResponseAsync(conversation);

        var reasoning = response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>();
        Assert.Equal("The user wants the weather; I know it.", string.Concat(reasoning.Select(r => r.Text)));
        Assert.Equal("Lima is sunny.", response.Text);
        Assert.DoesNotContain("The user wants the weather", server.ChatRequests[1].Body, StringComparison.Ordinal);
        Assert.Contains("Lima is sunny.", server.ChatRequests[1].Body, StringComparison.Ordinal);
    }

    private static IChatClient Client(FakeLlmServer server) => ChatClientFactory.Create(
        new ModelDefinition { Name = "local", ContextWindow = 8192, OutputTokens = 1024 },
        new ProviderSettings { Kind = ProviderKind.OpenAI, BaseUrl = server.BaseUrl, RequestTimeout = TimeSpan.FromSeconds(30), IdleTimeout = TimeSpan.FromSeconds(30) });
}
