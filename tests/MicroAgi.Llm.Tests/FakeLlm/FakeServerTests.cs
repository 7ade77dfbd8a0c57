using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Llm.Tests.FakeLlm;

/// <summary>The fake servers themselves, seen through a plain HttpClient: the wire shapes other tests rely on.</summary>
public sealed class FakeServerTests
{
    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(
        FakeLlmServer server, string path, string body, Action<HttpRequestMessage>? configure = null, bool chunked = false)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.RootUrl, path))
        {
            Content = chunked
                ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)))
                : new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (chunked) request.Headers.TransferEncodingChunked = true;
        configure?.Invoke(request);
        var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static List<string> DataLines(string sse) =>
        [.. sse.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..])];

    [Fact]
    public async Task Records_the_headers_and_body_of_every_request()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("hello"));

        var (status, _, _) = await PostAsync(server, "/v1/chat/completions", """{"model":"m","messages":[]}""",
            r => r.Headers.Add("Authorization", "Bearer k1"));

        Assert.Equal(HttpStatusCode.OK, status);
        var recorded = Assert.Single(server.Requests);
        Assert.Equal(1, recorded.Sequence);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/v1/chat/completions", recorded.Path);
        Assert.Equal("Bearer k1", recorded.Header("authorization"));
        Assert.Equal("m", recorded.Model);
        Assert.False(recorded.IsStreaming);
    }

    [Fact]
    public async Task Reads_a_chunked_request_body()
    {
        await using var server = FakeAnthropicServer.Start();
        server.Enqueue(FakeReply.Say("hello"));

        var (status, body, _) = await PostAsync(server, "/v1/messages", """{"model":"claude","max_tokens":5}""", chunked: true);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("claude", server.ChatRequests.Single().Model);
        Assert.Equal("hello", JsonNode.Parse(body)!["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Answers_an_exhausted_script_with_a_400_that_says_what_to_do()
    {
        await using var server = FakeOpenAIServer.Start();

        var (status, body, _) = await PostAsync(server, "/v1/chat/completions", """{"model":"m"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("no scripted reply left for request #1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_an_unknown_path_with_a_404_naming_the_chat_path()
    {
        await using var server = FakeAnthropicServer.Start();
        server.Enqueue(FakeReply.Say("unused"));

        var (status, body, _) = await PostAsync(server, "/v1/chat/completions", "{}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("POST /v1/messages", body, StringComparison.Ordinal);
        Assert.Equal(1, server.PendingReplies);
    }

    [Fact]
    public async Task Streams_openai_chunks_with_tool_call_pieces_finish_usage_and_done()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Call("f", """{"a":1}""", "call_1").InArgumentChunksOf(2).WithUsage(10, 5, cached: 4, reasoning: 2));

        var (_, body, response) = await PostAsync(server, "/v1/chat/completions", """{"model":"m","stream":true}""");

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var data = DataLines(body);
        Assert.Equal("[DONE]", data[^1]);
        var chunks = data.SkipLast(1).Select(d => JsonNode.Parse(d)!).ToList();
        var toolDeltas = chunks.Select(c => c["choices"]!.AsArray().FirstOrDefault()?["delta"]?["tool_calls"]?[0]).Where(t => t is not null).ToList();
        Assert.Equal("call_1", toolDeltas[0]!["id"]!.GetValue<string>());
        Assert.Equal("""{"a":1}""", string.Concat(toolDeltas.Select(t => t!["function"]?["arguments"]?.GetValue<string>())));
        Assert.True(toolDeltas.Count >= 4);
        Assert.Equal("tool_calls", chunks[^2]["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
        Assert.Equal(4, chunks[^1]["usage"]!["prompt_tokens_details"]!["cached_tokens"]!.GetValue<int>());
        Assert.Equal(2, chunks[^1]["usage"]!["completion_tokens_details"]!["reasoning_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Answers_a_streaming_request_with_one_json_completion_when_it_ignores_the_stream_flag()
    {
        await using var server = FakeOpenAIServer.Start(new FakeServerOptions { OpenAIQuirks = OpenAIQuirks.IgnoresStreamFlag });
        server.Enqueue(FakeReply.Say("whole"));

        var (_, body, response) = await PostAsync(server, "/v1/chat/completions", """{"model":"m","stream":true}""");

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("chat.completion", JsonNode.Parse(body)!["object"]!.GetValue<string>());
        Assert.Equal("whole", JsonNode.Parse(body)!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streams_anthropic_events_in_the_documented_order()
    {
        await using var server = FakeAnthropicServer.Start();
        server.Enqueue(FakeReply.Say("hi").AndToolCall("f", """{"a":1}""", "toolu_1").WithUsage(10, 5, cached: 4));

        var (_, body, _) = await PostAsync(server, "/v1/messages", """{"model":"claude","stream":true}""");

        var events = body.Split('\n').Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(l => l["event: ".Length..]).ToList();
        Assert.Equal("message_start", events[0]);
        Assert.Equal("ping", events[1]);
        Assert.Equal(["message_delta", "message_stop"], events[^2..]);
        Assert.Equal(2, events.Count(e => e == "content_block_start"));
        var start = JsonNode.Parse(DataLines(body)[0])!;
        Assert.Equal(6, start["message"]!["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.Equal(4, start["message"]!["usage"]!["cache_read_input_tokens"]!.GetValue<int>());
        var jsonPieces = DataLines(body).Select(d => JsonNode.Parse(d)!)
            .Where(e => e["delta"]?["type"]?.GetValue<string>() == "input_json_delta")
            .Select(e => e["delta"]!["partial_json"]!.GetValue<string>());
        Assert.Equal("""{"a":1}""", string.Concat(jsonPieces));
    }

    [Theory]
    [InlineData("x-api-key", "right")]
    [InlineData("Authorization", "Bearer right")]
    public async Task Accepts_the_anthropic_key_in_either_header(string header, string value)
    {
        await using var server = FakeAnthropicServer.Start(new FakeServerOptions { ApiKey = "right" });
        server.Enqueue(FakeReply.Say("ok"));

        var (status, _, _) = await PostAsync(server, "/v1/messages", """{"model":"claude"}""", r => r.Headers.TryAddWithoutValidation(header, value));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Sends_retry_after_in_seconds_and_milliseconds_with_a_rate_limit()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.RateLimited(TimeSpan.FromMilliseconds(1500)));

        var (status, _, response) = await PostAsync(server, "/v1/chat/completions", """{"model":"m"}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal("1500", response.Headers.GetValues("retry-after-ms").Single());
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 4)]
    public async Task Keeps_a_connection_for_the_next_request_only_when_asked_and_never_after_a_cut(bool keepAlive, int expectedConnections)
    {
        await using var server = FakeOpenAIServer.Start(new FakeServerOptions { KeepAlive = keepAlive });
        server.Enqueue(
            FakeReply.Say("one").InTextChunksOf(1),
            FakeReply.Say("two"),
            FakeReply.Say("cut short").InTextChunksOf(1).CutAfterEvents(2),
            FakeReply.Say("four"));
        var connections = 0;
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        async Task<string> PostAsync(bool stream)
        {
            using var response = await http.PostAsync(new Uri(server.BaseUrl + "/chat/completions"),
                new StringContent(stream ? """{"model":"m","stream":true}""" : """{"model":"m"}"""));
            return await response.Content.ReadAsStringAsync();
        }

        Assert.Contains("[DONE]", await PostAsync(stream: true), StringComparison.Ordinal);
        Assert.Contains("two", await PostAsync(stream: false), StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => PostAsync(stream: true));
        Assert.Contains("four", await PostAsync(stream: false), StringComparison.Ordinal);

        Assert.Equal(expectedConnections, connections);
        Assert.Equal(4, server.ChatRequests.Count);
    }

    [Fact]
    public async Task Stops_promptly_while_a_stalled_reply_holds_its_connection()
    {
        var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("never finishes").StallAfter(1));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl + "/chat/completions"))
        {
            Content = new StringContent("""{"model":"m","stream":true}"""),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        var disposing = server.DisposeAsync().AsTask();

        Assert.Same(disposing, await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromSeconds(20))));
    }

    [Fact]
    public async Task Serves_the_configured_models()
    {
        await using var server = FakeOpenAIServer.Start(new FakeServerOptions { Models = ["a", "b"] });
        using var http = new HttpClient();

        var body = JsonNode.Parse(await http.GetStringAsync(new Uri(server.BaseUrl + "/models")))!;

        Assert.Equal(["a", "b"], body["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Tells_a_waiting_test_when_the_expected_requests_have_arrived_or_how_many_did()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("one"));
        var waiting = server.WaitForChatRequestsAsync(1, TimeSpan.FromSeconds(30));

        await PostAsync(server, "/v1/chat/completions", """{"model":"m"}""");
        await waiting;
        var error = await Assert.ThrowsAsync<TimeoutException>(() => server.WaitForChatRequestsAsync(2, TimeSpan.FromMilliseconds(50)));

        Assert.Contains("1 arrived", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streams_anthropic_thinking_as_thinking_deltas_then_its_signature_before_the_answer()
    {
        await using var server = FakeAnthropicServer.Start();
        server.Enqueue(FakeReply.Say("ok").AfterRedactedThinking("opaque").AfterThinking("let me think", signature: "sig-1").InTextChunksOf(4));

        var (_, body, _) = await PostAsync(server, "/v1/messages", """{"model":"claude","stream":true}""");

        var events = DataLines(body).Select(d => JsonNode.Parse(d)!).Where(e => e["index"] is not null).ToList();
        Assert.Equal("redacted_thinking", (string?)events[0]["content_block"]!["type"]);
        Assert.Equal("opaque", (string?)events[0]["content_block"]!["data"]);
        var thinking = events.Where(e => (int)e["index"]! == 1).ToList();
        Assert.Equal(new JsonObject { ["type"] = "thinking", ["thinking"] = "", ["signature"] = "" }.ToJsonString(), thinking[0]["content_block"]!.ToJsonString());
        Assert.Equal("let me think", string.Concat(thinking.Select(e => (string?)e["delta"]?["thinking"])));
        Assert.Equal(["thinking_delta", "thinking_delta", "thinking_delta", "signature_delta"], thinking.Skip(1).SkipLast(1).Select(e => (string?)e["delta"]!["type"]));
        Assert.Equal("sig-1", (string?)thinking[^2]["delta"]!["signature"]);
        Assert.Equal("content_block_stop", (string?)thinking[^1]["type"]);
        Assert.Equal("text", (string?)events.First(e => (int)e["index"]! == 2)["content_block"]!["type"]);
    }

    [Fact]
    public async Task Puts_anthropic_thinking_blocks_first_in_a_complete_message()
    {
        await using var server = FakeAnthropicServer.Start();
        server.Enqueue(FakeReply.Call("f", "{}", "toolu_1").AfterThinking("plan", signature: "sig-1"));

        var (_, body, _) = await PostAsync(server, "/v1/messages", """{"model":"claude"}""");

        var content = JsonNode.Parse(body)!["content"]!.AsArray();
        Assert.Equal(["thinking", "tool_use"], content.Select(b => (string?)b!["type"]));
        Assert.Equal(("plan", "sig-1"), ((string?)content[0]!["thinking"], (string?)content[0]!["signature"]));
    }

    [Theory]
    [InlineData("""[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]""", "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`")]
    [InlineData("""[{"type":"text","text":"calling"},{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]""", "but found `text`")]
    [InlineData("""[{"type":"thinking","thinking":"plan","signature":"forged"},{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]""", "messages.1.content.0: Invalid `signature` in `thinking` block")]
    [InlineData("""[{"type":"thinking","thinking":"edited plan","signature":"sig-1"},{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]""", "Invalid `signature`")]
    [InlineData("""[{"type":"redacted_thinking","data":"forged"},{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]""", "Invalid `data` in `redacted_thinking` block")]
    public async Task A_strict_anthropic_server_refuses_a_tool_loop_without_the_thinking_it_issued(string assistantContent, string expected)
    {
        await using var server = FakeAnthropicServer.Start(new FakeServerOptions { StrictThinking = true });
        server.Enqueue(FakeReply.Call("f", "{}", "toolu_1").AfterThinking("plan", signature: "sig-1"), FakeReply.Say("done"));
        await PostAsync(server, "/v1/messages", """{"model":"claude","thinking":{"type":"enabled","budget_tokens":1024}}""");

        var (status, body, _) = await PostAsync(server, "/v1/messages", ToolLoopRequest(assistantContent));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = JsonNode.Parse(body)!;
        Assert.Equal("invalid_request_error", (string?)error["error"]!["type"]);
        Assert.Contains(expected, (string?)error["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal(1, server.PendingReplies);
    }

    [Fact]
    public async Task A_strict_anthropic_server_accepts_the_thinking_it_issued_sent_back_unchanged()
    {
        await using var server = FakeAnthropicServer.Start(new FakeServerOptions { StrictThinking = true });
        server.Enqueue(FakeReply.Call("f", "{}", "toolu_1").AfterThinking("plan", signature: "sig-1"), FakeReply.Say("done"));
        await PostAsync(server, "/v1/messages", """{"model":"claude","thinking":{"type":"enabled","budget_tokens":1024}}""");

        var (status, _, _) = await PostAsync(server, "/v1/messages",
            ToolLoopRequest("""[{"type":"thinking","thinking":"plan","signature":"sig-1"},{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]"""));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static string ToolLoopRequest(string assistantContent) =>
        $$"""
        {"model":"claude","thinking":{"type":"enabled","budget_tokens":1024},"messages":[
          {"role":"user","content":"go"},
          {"role":"assistant","content":{{assistantContent}}},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]}]}
        """;
}
