using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using MicroAgi.Llm.Models;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Runs once, offline, the provider code of a model step that calls a tool and of the step after it: the client a
/// session uses for an OpenAI-compatible server (every stage, the SDK and the HTTP layer), over a canned exchange
/// served from memory instead of the network. A process that does this while its first request is on its way (the
/// CLI's warm-up) no longer pays in its first tool step for that code's first run: compiling it (the async state
/// machines of every layer that awaits the network, the tool-call chunks' readers), loading its types and binding
/// its precompiled code (docs/benchmarks.md).
/// </summary>
public static class ModelStepWarmUp
{
    private static readonly ModelDefinition Model = ModelDefinition.Unregistered("warm-up", ModelLimits.Default);

    private static readonly ProviderSettings Provider = new()
    {
        Kind = ProviderKind.OpenAI,
        BaseUrl = new Uri("http://warm-up.invalid/v1/"),
        ApiKey = "warm-up",
        Retry = RetrySettings.None,
    };

    /// <summary>Does the work once; it never throws (a failure only means no head start).</summary>
    public static async Task RunAsync()
    {
        try
        {
            await RunToolStepAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The first real step does the same work and reports its own failures.
        }
    }

    /// <summary>The work itself: a step that calls <c>warm_up</c>, then the step that answers after its result.</summary>
    /// <returns>The bodies of the two requests, and the answer.</returns>
    internal static async Task<(IReadOnlyList<string> Requests, string Answer)> RunToolStepAsync()
    {
        var server = new CannedModelHandler();
        using var client = ChatClientFactory.CreateOffline(Model, Provider, server);
        var options = new ChatOptions
        {
            Tools = [AIFunctionFactory.CreateDeclaration("warm_up", "Warms up.", JsonElement.Parse("""{"type":"object","properties":{"n":{"type":"integer"}}}"""))],
        };
        List<ChatMessage> messages = [new(ChatRole.User, "warm up")];
        var step = await client.GetStreamingResponseAsync(messages, options).ToChatResponseAsync().ConfigureAwait(false);
        messages.AddRange(step.Messages);
        var call = step.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "{}")]));
        var answer = await client.GetStreamingResponseAsync(messages, options).ToChatResponseAsync().ConfigureAwait(false);
        return (server.Requests, answer.Text);
    }

    /// <summary>
    /// The model server, in memory: it asks for <c>warm_up</c> until the request carries a tool result, then answers
    /// "warm". Its answers complete asynchronously, as the network's do, so that every layer above awaits as it will live.
    /// </summary>
    private sealed class CannedModelHandler : HttpMessageHandler
    {
        private static readonly string[] ToolCall =
        [
            """{"id":"w","object":"chat.completion.chunk","created":0,"model":"warm-up","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_w","type":"function","function":{"name":"warm_up","arguments":""}}]},"finish_reason":null}]}""",
            """{"id":"w","object":"chat.completion.chunk","created":0,"model":"warm-up","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"n\":1}"}}]},"finish_reason":null}]}""",
            """{"id":"w","object":"chat.completion.chunk","created":0,"model":"warm-up","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            """{"id":"w","object":"chat.completion.chunk","created":0,"model":"warm-up","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""",
        ];

        private static readonly string[] Answer =
        [
            """{"id":"w","object":"chat.completion.chunk","created":0,"model":"warm-up","choices":[{"index":0,"delta":{"role":"assistant","content":"wa"},"finish_reason":null}]}""",
            """{"id":"w","object":"chat.completion.chunk","created":0,"model":"warm-up","choices":[{"index":0,"delta":{"content":"rm"},"finish_reason":"stop"}]}""",
            """{"id":"w","object":"chat.completion.chunk","created":0,"model":"warm-up","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""",
        ];

        private readonly List<string> _requests = [];

        public IReadOnlyList<string> Requests => _requests;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            _requests.Add(body);
            await Task.Yield();
            var events = body.Contains("\"role\":\"tool\"", StringComparison.Ordinal) ? Answer : ToolCall;
            var stream = string.Concat(events.Select(e => $"data: {e}\n\n")) + "data: [DONE]\n\n";
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
