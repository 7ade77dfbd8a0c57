using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Testing.FakeLlm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MicroAgi.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace MicroAgi.Llm.Tests.Providers;

/// <summary>
/// What every provider must do, proved with the real SDK talking HTTP to a fake server of its dialect.
/// Each concrete subclass runs all of these against its provider.
/// </summary>
public abstract class ProviderContractTests
{
    protected const string Key = "sk-test-5f2c9a7e1b";

    protected static readonly ModelDefinition TestModel = new()
    {
        Name = "test-model",
        ContextWindow = 100_000,
        OutputTokens = 1_000,
    };

    protected static readonly RetrySettings FastRetry = new()
    {
        MaxRetries = 3,
        BaseDelay = TimeSpan.FromMilliseconds(5),
        MaxDelay = TimeSpan.FromMilliseconds(20),
    };

    protected abstract ProviderKind Kind { get; }

    protected abstract FakeLlmServer StartServer(FakeServerOptions? options = null);

    protected IChatClient Client(FakeLlmServer server, RetrySettings? retry = null, string key = Key,
        ModelDefinition? model = null, TimeSpan? requestTimeout = null, TimeSpan? idleTimeout = null, ILoggerFactory? loggerFactory = null) =>
        Client(server.BaseUrl, retry, key, model, requestTimeout, idleTimeout, loggerFactory);

    protected IChatClient Client(Uri baseUrl, RetrySettings? retry = null, string key = Key,
        ModelDefinition? model = null, TimeSpan? requestTimeout = null, TimeSpan? idleTimeout = null, ILoggerFactory? loggerFactory = null) =>
        ChatClientFactory.Create(model ?? TestModel, new ProviderSettings
        {
            Kind = Kind,
            BaseUrl = baseUrl,
            ApiKey = key,
            Retry = retry ?? FastRetry,
            RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30),
            IdleTimeout = idleTimeout ?? TimeSpan.FromSeconds(30),
        }, loggerFactory);

    protected static List<ChatMessage> Ask(string text) => [new(ChatRole.User, text)];

    protected static async Task<List<ChatResponseUpdate>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates, List<ChatResponseUpdate>? into = null)
    {
        var result = into ?? [];
        await foreach (var update in updates) result.Add(update);
        return result;
    }

    protected static AIFunctionDeclaration Tool(string name, string schema = """{"type":"object","properties":{"city":{"type":"string"}}}""") =>
        AIFunctionFactory.CreateDeclaration(name, $"the {name} tool", JsonDocument.Parse(schema).RootElement);

    [Fact]
    public async Task Streams_text_in_pieces_as_it_arrives()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("The quick brown fox jumps over the lazy dog.").InTextChunksOf(5));
        using var client = Client(server);

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Ask("hi")));

        var textPieces = updates.Select(u => u.Text).Where(t => t.Length > 0).ToList();
        Assert.True(textPieces.Count >= 9, $"expected the text in many pieces, got {textPieces.Count}");
        Assert.Equal("The quick brown fox jumps over the lazy dog.", string.Concat(textPieces));
        Assert.Equal(ChatFinishReason.Stop, updates.ToChatResponse().FinishReason);
        Assert.True(server.ChatRequests.Single().IsStreaming);
    }

    [Fact]
    public async Task Reassembles_a_tool_call_whose_arguments_arrive_in_many_chunks()
    {
        await using var server = StartServer();
        const string Arguments = """{"city":"Paris","days":3,"units":{"temperature":"celsius"}}""";
        server.Enqueue(FakeReply.Call("get_weather", Arguments, id: "call_w1").InArgumentChunksOf(3));
        using var client = Client(server);

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Ask("weather?"), new ChatOptions { Tools = [Tool("get_weather")] }));

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_w1", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.Null(call.Exception);
        Assert.Equal("Paris", call.Arguments!["city"]?.ToString());
        Assert.Equal("3", call.Arguments["days"]?.ToString());
        Assert.Contains("celsius", call.Arguments["units"]?.ToString(), StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.ToolCalls, updates.ToChatResponse().FinishReason);
    }

    [Fact]
    public async Task Reports_two_parallel_tool_calls_in_order()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("Checking both.")
            .AndToolCall("get_weather", """{"city":"Paris"}""", "call_a")
            .AndToolCall("get_time", """{"zone":"Europe/Paris"}""", "call_b")
            .InArgumentChunksOf(2));
        using var client = Client(server);

        var response = (await CollectAsync(client.GetStreamingResponseAsync(Ask("weather and time?"),
            new ChatOptions { Tools = [Tool("get_weather"), Tool("get_time")] }))).ToChatResponse();

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_a", "call_b"], calls.Select(c => c.CallId));
        Assert.Equal(["get_weather", "get_time"], calls.Select(c => c.Name));
        Assert.Equal("Europe/Paris", calls[1].Arguments!["zone"]?.ToString());
        Assert.Equal("Checking both.", response.Text);
    }

    [Fact]
    public async Task Reports_that_an_answer_was_cut_off_by_the_token_limit()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("This answer is cut").FinishedBy(FakeFinish.Length));
        server.Enqueue(FakeReply.Say("This answer is cut").FinishedBy(FakeFinish.Length));
        using var client = Client(server);

        var streamed = (await CollectAsync(client.GetStreamingResponseAsync(Ask("long story")))).ToChatResponse();
        var complete = await client.GetResponseAsync(Ask("long story"));

        Assert.Equal(ChatFinishReason.Length, streamed.FinishReason);
        Assert.Equal(ChatFinishReason.Length, complete.FinishReason);
    }

    [Fact]
    public async Task Answers_text_and_tool_calls_without_streaming()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("Let me look.").AndToolCall("get_weather", """{"city":"Oslo"}""", "call_x").WithUsage(40, 12));
        using var client = Client(server);

        var response = await client.GetResponseAsync(Ask("weather in Oslo?"), new ChatOptions { Tools = [Tool("get_weather")] });

        Assert.Equal("Let me look.", response.Text);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("Oslo", call.Arguments!["city"]?.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(40, response.Usage?.InputTokenCount);
        Assert.Equal(12, response.Usage?.OutputTokenCount);
        Assert.False(server.ChatRequests.Single().IsStreaming);
    }

    [Fact]
    public async Task Hands_over_a_tool_call_with_malformed_arguments_with_the_parse_error_attached()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Call("get_weather", """{"city": "Par"""), FakeReply.Call("get_weather", """{"city": "Par"""));
        using var client = Client(server);

        var streamed = (await CollectAsync(client.GetStreamingResponseAsync(Ask("weather?"), new ChatOptions { Tools = [Tool("get_weather")] }))).ToChatResponse();
        var complete = await client.GetResponseAsync(Ask("weather?"), new ChatOptions { Tools = [Tool("get_weather")] });

        foreach (var response in (ChatResponse[])[streamed, complete])
        {
            var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
            Assert.Equal("get_weather", call.Name);
            Assert.NotNull(call.Exception);
        }
    }

    [Fact]
    public async Task Retries_a_rate_limit_after_the_delay_the_server_asks_for_then_succeeds()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.RateLimited(TimeSpan.FromMilliseconds(150)), FakeReply.Say("finally"));
        var notices = new List<LlmRetryNotice>();
        using var client = Client(server, FastRetry with { OnRetry = notices.Add });

        var response = (await CollectAsync(client.GetStreamingResponseAsync(Ask("hi")))).ToChatResponse();

        Assert.Equal("finally", response.Text);
        Assert.Equal(2, server.ChatRequests.Count);
        var notice = Assert.Single(notices);
        Assert.Equal(LlmErrorKind.RateLimited, notice.Reason);
        Assert.Equal(429, notice.StatusCode);
        Assert.True(notice.DelayFromServer);
        Assert.Equal(TimeSpan.FromMilliseconds(150), notice.Delay);
    }

    [Fact]
    public async Task Gives_up_after_the_allowed_retries_when_the_server_keeps_failing()
    {
        await using var server = StartServer();
        for (var i = 0; i < 5; i++) server.Enqueue(FakeReply.Fail(500, "upstream exploded"));
        using var client = Client(server, FastRetry with { MaxRetries = 2 });

        var error = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(client.GetStreamingResponseAsync(Ask("hi"))));

        Assert.Equal(LlmErrorKind.ServerError, error.Kind);
        Assert.Equal(3, error.Attempts);
        Assert.Equal(500, error.StatusCode);
        Assert.Equal(3, server.ChatRequests.Count);
        Assert.Contains("after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("upstream exploded", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.PendingReplies);
    }

    [Fact]
    public async Task Does_not_wait_when_the_server_asks_for_a_longer_delay_than_allowed()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.RateLimited(TimeSpan.FromMinutes(10)), FakeReply.Say("never reached"));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<LlmException>(() => client.GetResponseAsync(Ask("hi")));

        Assert.Equal(LlmErrorKind.RateLimited, error.Kind);
        Assert.Single(server.ChatRequests);
        Assert.Contains("600 s", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("retry-after-ms", "1e309")]
    [InlineData("retry-after", "99999999999999999999")]
    [InlineData("retry-after", "1e400")]
    public async Task Does_not_wait_when_the_server_asks_for_a_delay_too_long_to_count(string header, string value)
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.RawResponse(429, "application/json", """{"error":{"message":"slow down"}}""", new KeyValuePair<string, string>(header, value)),
            FakeReply.Say("never reached"));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<LlmException>(() => client.GetResponseAsync(Ask("hi")));

        Assert.Equal(LlmErrorKind.RateLimited, error.Kind);
        Assert.Single(server.ChatRequests);
        Assert.Contains("asks to wait", error.Message, StringComparison.Ordinal);
        Assert.Contains("longer than the 60 s retries may wait", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_a_rejected_key_as_unauthorized_without_ever_repeating_the_key()
    {
        await using var server = StartServer(new FakeServerOptions { ApiKey = "the-right-key-000" });
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(client.GetStreamingResponseAsync(Ask("hi"))));

        Assert.Equal(LlmErrorKind.Unauthorized, error.Kind);
        Assert.Equal(401, error.StatusCode);
        Assert.Single(server.ChatRequests);
        Assert.Contains("API key", error.Message, StringComparison.Ordinal);
        Assert.Contains(Kind == ProviderKind.Anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY", error.Message, StringComparison.Ordinal);
        // The fake server echoes the key it was given, as real ones partly do; it must not get through.
        Assert.Contains(server.ChatRequests.Single().Headers.Values, v => v.Contains(Key, StringComparison.Ordinal));
        Assert.DoesNotContain(Key, error.ToString(), StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.Mask, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_each_http_exchange_with_its_body_at_trace_level_and_never_the_key()
    {
        await using var server = StartServer(new FakeServerOptions { ApiKey = Key });
        server.Enqueue(FakeReply.Say("logged"));
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = new LoggerFactory([logs], new LoggerFilterOptions { MinLevel = LogLevel.Trace });
        using var client = Client(server, loggerFactory: loggerFactory);
        using var wrongKey = Client(server, key: "the-wrong-key-123", loggerFactory: loggerFactory);

        await client.GetResponseAsync(Ask("hello there"));
        // The fake server echoes the key it was given in its 401 body, as real ones partly do.
        await Assert.ThrowsAsync<LlmException>(() => CollectAsync(wrongKey.GetStreamingResponseAsync(Ask("hello again"))));

        var records = logs.Collector.GetSnapshot();
        var log = string.Join('\n', records.Select(r => $"{r.Message} {r.Exception}"));
        Assert.Contains("HTTP POST", log, StringComparison.Ordinal);
        Assert.Contains("HTTP 200", log, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", log, StringComparison.Ordinal);
        Assert.Contains("hello there", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, log, StringComparison.Ordinal);
        Assert.DoesNotContain("the-wrong-key-123", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_each_model_call_as_a_chat_span_with_the_model_usage_and_finish_reason_but_no_content()
    {
        // Spans of every test in the process reach the exporter; this model name picks out this test's.
        var model = TestModel with { Name = $"traced-{Kind}" };
        var spans = new List<Activity>();
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource(MicroAgiTelemetry.SourceName).AddInMemoryExporter(spans).Build())
        {
            await using var server = StartServer();
            server.Enqueue(FakeReply.Say("traced").WithUsage(prompt: 40, completion: 7));
            using var client = Client(server, model: model);

            await client.GetResponseAsync(Ask("a private question"));
        }

        var chat = Assert.Single(spans, s => Equals(s.GetTagItem("gen_ai.request.model"), model.Name));
        Assert.Equal($"chat {model.Name}", chat.DisplayName);
        Assert.Equal("chat", chat.GetTagItem("gen_ai.operation.name"));
        Assert.Equal(40, Convert.ToInt32(chat.GetTagItem("gen_ai.usage.input_tokens"), CultureInfo.InvariantCulture));
        Assert.Equal(7, Convert.ToInt32(chat.GetTagItem("gen_ai.usage.output_tokens"), CultureInfo.InvariantCulture));
        Assert.Contains("stop", Assert.IsType<string>(chat.GetTagItem("gen_ai.response.finish_reasons")), StringComparison.Ordinal);
        Assert.DoesNotContain(chat.TagObjects, tag => tag.Value?.ToString()?.Contains("a private question", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Reports_an_unknown_model_as_model_not_found_with_what_to_check()
    {
        await using var server = StartServer(new FakeServerOptions { Models = ["some-other-model"] });
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<LlmException>(() => client.GetResponseAsync(Ask("hi")));

        Assert.Equal(LlmErrorKind.ModelNotFound, error.Kind);
        Assert.Single(server.ChatRequests);
        Assert.Contains("'test-model'", error.Message, StringComparison.Ordinal);
        Assert.Contains("--model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_a_server_that_is_not_there_as_unreachable_without_retrying()
    {
        var notices = new List<LlmRetryNotice>();
        using var client = Client(LoopbackPorts.UnusedUrl(Kind == ProviderKind.Anthropic ? "" : "/v1"), FastRetry with { OnRetry = notices.Add });

        var error = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(client.GetStreamingResponseAsync(Ask("hi"))));

        Assert.Equal(LlmErrorKind.Unreachable, error.Kind);
        Assert.Contains("cannot reach", error.Message, StringComparison.Ordinal);
        Assert.Contains("base URL", error.Message, StringComparison.Ordinal);
        Assert.Empty(notices);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task Never_shows_the_credentials_a_base_url_carries()
    {
        var unreachable = LoopbackPorts.UnusedUrl(Kind == ProviderKind.Anthropic ? "" : "/v1");
        var url = new UriBuilder(unreachable) { UserName = "user", Password = "url-password-42", Query = "api-key=url-query-key-42" }.Uri;
        using var client = Client(url);

        var error = await Assert.ThrowsAsync<LlmException>(() => client.GetResponseAsync(Ask("hi")));

        Assert.Equal(LlmErrorKind.Unreachable, error.Kind);
        Assert.Contains($"at http://127.0.0.1:{url.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("?api-key=***", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("url-password-42", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("url-query-key-42", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redacts_base_url_credentials_that_a_server_repeats_in_its_error()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Fail(400, "credentials user:url-password-42 are not accepted here"));
        using var client = Client(new UriBuilder(server.BaseUrl) { UserName = "user", Password = "url-password-42" }.Uri);

        var error = await Assert.ThrowsAsync<LlmException>(() => client.GetResponseAsync(Ask("hi")));

        Assert.Equal(LlmErrorKind.BadRequest, error.Kind);
        Assert.Contains($"at http://127.0.0.1:{server.BaseUrl.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.Mask, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("url-password-42", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Reports_a_stream_cut_in_the_middle_of_a_tool_call_as_truncated_and_never_yields_the_partial_call(bool abortConnection)
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Call("write_file", """{"path":"notes.txt","content":"a long text"}""").CutMidToolCall(abortConnection));
        using var client = Client(server);
        var received = new List<ChatResponseUpdate>();

        var error = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(client.GetStreamingResponseAsync(Ask("write"), new ChatOptions { Tools = [Tool("write_file")] }), received));

        Assert.Equal(LlmErrorKind.Truncated, error.Kind);
        Assert.Contains("ended before it was complete", error.Message, StringComparison.Ordinal);
        Assert.Empty(received.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Single(server.ChatRequests); // a stream that has started is never retried
    }

    [Fact]
    public async Task Reports_a_complete_reply_cut_in_the_middle_as_truncated()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("a reply that will be cut in half").CutAfterEvents(1));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<LlmException>(() => client.GetResponseAsync(Ask("hi")));

        Assert.Equal(LlmErrorKind.Truncated, error.Kind);
    }

    [Fact]
    public async Task Stops_streaming_when_cancelled_in_the_middle()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("one two three four five six seven").InTextChunksOf(4).StallAfter(5));
        server.Enqueue(FakeReply.Say("still serving"));
        using var client = Client(server);
        using var cancellation = new CancellationTokenSource();
        var texts = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Ask("count"), cancellationToken: cancellation.Token))
            {
                if (update.Text.Length == 0) continue;
                texts.Add(update.Text);
                await cancellation.CancelAsync();
            }
        });

        Assert.NotEmpty(texts);
        Assert.DoesNotContain("seven", string.Concat(texts), StringComparison.Ordinal);
        Assert.Equal("still serving", (await client.GetResponseAsync(Ask("again"))).Text);
    }

    [Fact]
    public async Task Gives_up_on_a_server_that_never_answers_after_the_allowed_retries()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.NoAnswer(), FakeReply.NoAnswer());
        // A second long enough that a loaded machine still delivers each request before the client gives up on it.
        using var client = Client(server, FastRetry with { MaxRetries = 1 }, requestTimeout: TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<LlmException>(() => client.GetResponseAsync(Ask("hi")));

        Assert.Equal(LlmErrorKind.Timeout, error.Kind);
        Assert.Equal(2, error.Attempts);
        // The server records a request only once it has read it, which may trail the client's give-up.
        await server.WaitForChatRequestsAsync(2, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Abandons_a_stream_that_goes_silent_with_a_timeout_error()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("starts then stalls").InTextChunksOf(3).StallAfter(4));
        using var client = Client(server, idleTimeout: TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(client.GetStreamingResponseAsync(Ask("hi"))));

        Assert.Equal(LlmErrorKind.Timeout, error.Kind);
        Assert.Contains("sent nothing for", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reports_a_web_page_where_the_api_should_be_as_an_invalid_response(bool streaming)
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.RawResponse(200, "text/html", "<html><body>Welcome to nginx!</body></html>"));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<LlmException>(() => streaming
            ? CollectAsync(client.GetStreamingResponseAsync(Ask("hi")))
            : client.GetResponseAsync(Ask("hi")));

        Assert.Equal(LlmErrorKind.InvalidResponse, error.Kind);
        Assert.Contains("HTML page", error.Message, StringComparison.Ordinal);
        Assert.Contains("base URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_an_error_page_from_a_proxy_with_its_text()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.RawResponse(502, "text/html", "<html>Bad Gateway</html>"), FakeReply.Say("recovered"));
        using var client = Client(server);

        var response = await client.GetResponseAsync(Ask("hi"));

        Assert.Equal("recovered", response.Text);
        Assert.Equal(2, server.ChatRequests.Count);
    }

    [Fact]
    public async Task Sends_an_empty_parameter_schema_as_an_object_with_no_properties()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("ok"));
        using var client = Client(server);

        await client.GetResponseAsync(Ask("hi"), new ChatOptions { Tools = [Tool("list_things", "{}")] });

        var schema = ToolSchemaOf(server.ChatRequests.Single().Json!, "list_things");
        Assert.Equal("object", schema["type"]!.GetValue<string>());
        Assert.Empty(schema["properties"]!.AsObject());
    }

    [Fact]
    public async Task Sends_the_model_output_limit_when_the_caller_sets_none()
    {
        await using var server = StartServer();
        server.Enqueue(FakeReply.Say("ok"), FakeReply.Say("ok"));
        using var client = Client(server);

        await client.GetResponseAsync(Ask("hi"));
        await client.GetResponseAsync(Ask("hi"), new ChatOptions { MaxOutputTokens = 5_000_000 });

        Assert.All(server.ChatRequests, r => Assert.Equal(TestModel.OutputTokens, OutputLimitOf(r.Json!)));
    }

    /// <summary>The parameter schema the request declares for a tool.</summary>
    protected abstract System.Text.Json.Nodes.JsonObject ToolSchemaOf(System.Text.Json.Nodes.JsonNode request, string toolName);

    /// <summary>The output-token limit the request carries.</summary>
    protected abstract int OutputLimitOf(System.Text.Json.Nodes.JsonNode request);
}
