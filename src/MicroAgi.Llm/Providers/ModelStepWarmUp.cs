using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using MicroAgi.Llm.Models;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Runs once, offline, the provider code of a model step that calls a tool and of the step after it: the client a
/// session uses for a provider kind (every stage, the SDK and the HTTP layer), over a canned exchange served from
/// memory instead of the network. A process that does this while it starts (the CLI's warm-up) no longer pays in its
/// first requests and its first tool step for that code's first run: compiling it (the async state machines of every
/// layer that awaits the network, the readers of tool-call events), loading its types and binding its precompiled
/// code (docs/benchmarks.md).
/// </summary>
public static class ModelStepWarmUp
{
    private static readonly ModelDefinition Model = ModelDefinition.Unregistered("warm-up", ModelLimits.Default);

    /// <summary>Warms the socket path (<see cref="LoopbackExchangeWarmUp"/>), then the client of each kind, in order;
    /// it never throws (a failure only means no head start).</summary>
    public static async Task RunAsync(IEnumerable<ProviderKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        await HeadStartAsync(LoopbackExchangeWarmUp.RunAsync).ConfigureAwait(false);
        foreach (var kind in kinds.Distinct()) await HeadStartAsync(() => RunToolStepAsync(kind)).ConfigureAwait(false);
    }

    private static async Task HeadStartAsync(Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The first real request does the same work and reports its own failures.
        }
    }

    /// <summary>The work itself: a step that calls <c>warm_up</c>, then the step that answers after its result.</summary>
    /// <returns>The bodies of the two requests, and the answer.</returns>
    internal static async Task<(IReadOnlyList<string> Requests, string Answer)> RunToolStepAsync(ProviderKind kind)
    {
        var exchange = CannedExchange.For(kind);
        var server = new CannedModelHandler(exchange);
        var provider = new ProviderSettings { Kind = kind, BaseUrl = exchange.BaseUrl, ApiKey = "warm-up", Retry = RetrySettings.None };
        using var client = ChatClientFactory.CreateOffline(Model, provider, server);
        var options = new ChatOptions
        {
            Tools = [AIFunctionFactory.CreateDeclaration("warm_up", "Warms up.", JsonElement.Parse("""{"type":"object","properties":{"n":{"type":"integer"}}}"""))],
        };
        List<ChatMessage> messages = [new(ChatRole.System, "Warm up."), new(ChatRole.User, "warm up")];
        var step = await client.GetStreamingResponseAsync(messages, options).ToChatResponseAsync().ConfigureAwait(false);
        messages.AddRange(step.Messages);
        var call = step.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "{}")]));
        var answer = await client.GetStreamingResponseAsync(messages, options).ToChatResponseAsync().ConfigureAwait(false);
        return (server.Requests, answer.Text);
    }

    /// <summary>What a provider kind's server streams: a call of <c>warm_up</c> with <c>{"n":1}</c>, and the answer
    /// "warm" once a request carries the call's result (recognised by <see cref="ResultMark"/>).</summary>
    private sealed record CannedExchange(Uri BaseUrl, string ResultMark, string ToolCall, string Answer)
    {
        public static CannedExchange For(ProviderKind kind) => kind == ProviderKind.Anthropic ? Anthropic : OpenAI;

        private static readonly CannedExchange OpenAI = new(
            new Uri("http://warm-up.invalid/v1/"),
            "\"role\":\"tool\"",
            OpenAIStream(
                """{"role":"assistant","tool_calls":[{"index":0,"id":"call_w","type":"function","function":{"name":"warm_up","arguments":""}}]}""",
                """{"tool_calls":[{"index":0,"function":{"arguments":"{\"n\":1}"}}]}""",
                "tool_calls"),
            OpenAIStream("""{"role":"assistant","content":"wa"}""", """{"content":"rm"}""", "stop"));

        private static readonly CannedExchange Anthropic = new(
            new Uri("http://warm-up.invalid/"),
            "\"tool_result\"",
            AnthropicStream(
                """{"type":"tool_use","id":"toolu_w","name":"warm_up","input":{}}""",
                """{"type":"input_json_delta","partial_json":"{\"n\":1}"}""",
                "tool_use"),
            AnthropicStream("""{"type":"text","text":""}""", """{"type":"text_delta","text":"warm"}""", "end_turn"));

        private static string OpenAIStream(string firstDelta, string secondDelta, string finish)
        {
            string Chunk(string delta, string? reason) =>
                $$"""data: {"id":"w","object":"chat.completion.chunk","created":0,"model":"warm-up","choices":[{"index":0,"delta":{{delta}},"finish_reason":{{(reason is null ? "null" : $"\"{reason}\"")}}}]}""" + "\n\n";
            return Chunk(firstDelta, null) + Chunk(secondDelta, finish)
                + """data: {"id":"w","object":"chat.completion.chunk","created":0,"model":"warm-up","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""" + "\n\n"
                + "data: [DONE]\n\n";
        }

        private static string AnthropicStream(string block, string delta, string stopReason)
        {
            static string Event(string name, string data) => $"event: {name}\ndata: {data}\n\n";
            return Event("message_start", """{"type":"message_start","message":{"id":"msg_w","type":"message","role":"assistant","model":"warm-up","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}""")
                + Event("content_block_start", $$"""{"type":"content_block_start","index":0,"content_block":{{block}}}""")
                + Event("content_block_delta", $$"""{"type":"content_block_delta","index":0,"delta":{{delta}}}""")
                + Event("content_block_stop", """{"type":"content_block_stop","index":0}""")
                + Event("message_delta", $$$"""{"type":"message_delta","delta":{"stop_reason":"{{{stopReason}}}","stop_sequence":null},"usage":{"output_tokens":1}}""")
                + Event("message_stop", """{"type":"message_stop"}""");
        }
    }

    /// <summary>
    /// The model server, in memory. Its answers complete asynchronously, as the network's do, so that every layer
    /// above awaits as it will live.
    /// </summary>
    private sealed class CannedModelHandler(CannedExchange exchange) : HttpMessageHandler
    {
        private readonly List<string> _requests = [];

        public IReadOnlyList<string> Requests => _requests;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            _requests.Add(body);
            await Task.Yield();
            var stream = body.Contains(exchange.ResultMark, StringComparison.Ordinal) ? exchange.Answer : exchange.ToolCall;
            var content = new StreamContent(new YieldingStream(Encoding.UTF8.GetBytes(stream)));
            content.Headers.ContentType = new("text/event-stream");
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }
    }

    /// <summary>Bytes read a few at a time, each read completing asynchronously.</summary>
    private sealed class YieldingStream(byte[] bytes) : ReadOnlyStream
    {
        private const int ReadSize = 256;
        private int _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, ReadSize), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return Read(buffer.Span);
        }
    }
}
