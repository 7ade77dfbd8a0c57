using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Runs once, on canned data and without the network, the provider code of a model step that calls a tool: an
/// OpenAI stream's tool-call chunks read by the SDK and turned into M.E.AI content, then the call and its result
/// written as the next request's messages (<see cref="SentMessagesJson"/>). A process that does this while its first
/// request is on its way (the CLI's warm-up) no longer pays for that code's first run — compiling it, loading its
/// types — in its first tool step (docs/benchmarks.md).
/// </summary>
public static class ToolStepWarmUp
{
    private static readonly string[] Chunks =
    [
        """{"id":"w","object":"chat.completion.chunk","created":0,"model":"w","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_w","type":"function","function":{"name":"warm_up","arguments":""}}]},"finish_reason":null}]}""",
        """{"id":"w","object":"chat.completion.chunk","created":0,"model":"w","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"n\":1}"}}]},"finish_reason":null}]}""",
        """{"id":"w","object":"chat.completion.chunk","created":0,"model":"w","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
        """{"id":"w","object":"chat.completion.chunk","created":0,"model":"w","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""",
    ];

    /// <summary>Does the work once; it never throws (a failure only means no head start).</summary>
    public static async Task RunAsync()
    {
        try
        {
            await WriteToolStepAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The first real step does the same work and reports its own failures.
        }
    }

    /// <summary>The work itself: the <c>messages</c> JSON of the request that would follow the canned tool call.</summary>
    internal static async Task<string> WriteToolStepAsync()
    {
        // The conversion the adapter runs on a live stream, exposed as an evaluation API: only a head start depends on it.
#pragma warning disable OPENAI001
        var response = await Updates().AsChatResponseUpdatesAsync().ToChatResponseAsync().ConfigureAwait(false);
#pragma warning restore OPENAI001
        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        AIChatMessage[] next = [new(ChatRole.User, "warm up"), response.Messages[0], new(ChatRole.Tool, [new FunctionResultContent(call.CallId, "{}")])];
        using var sent = new SentMessagesJson().Write(next, OpenAICompatibilityChatClient.ToSdkMessages);
        return System.Text.Encoding.UTF8.GetString(sent.Json.Span);
    }

    private static async IAsyncEnumerable<StreamingChatCompletionUpdate> Updates()
    {
        foreach (var chunk in Chunks)
        {
            await Task.Yield();
            yield return ModelReaderWriter.Read<StreamingChatCompletionUpdate>(BinaryData.FromString(chunk))!;
        }
    }
}
