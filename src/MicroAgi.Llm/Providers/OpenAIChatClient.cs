using System.Runtime.CompilerServices;
using MicroAgi.Llm.Errors;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using OpenAIFinishReason = OpenAI.Chat.ChatFinishReason;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// An <see cref="IChatClient"/> over the official OpenAI <see cref="ChatClient"/> (chat completions), for
/// OpenAI and every OpenAI-compatible server. Text is passed on as it arrives; tool calls are accumulated
/// by index and passed on, complete, with the update that carries the finish reason. A stream that ends
/// without a finish reason is an <see cref="LlmErrorKind.Truncated"/> error.
/// </summary>
internal sealed class OpenAIChatClient : IChatClient
{
    private readonly ChatClient _client;
    private readonly ProviderErrors _errors;
    private readonly ChatClientMetadata _metadata;

    public OpenAIChatClient(ChatClient client, string model, ProviderErrors errors, Uri endpoint)
    {
        _client = client;
        _errors = errors;
        _metadata = new ChatClientMetadata("openai", endpoint, model);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = OpenAIRequestMapper.Messages(messages, options);
        // The HTTP layer has checked that the body is a completion the SDK can read (CheckedCompletionStream).
        var completion = (await _client.CompleteChatAsync(request, OpenAIRequestMapper.Options(options), cancellationToken).ConfigureAwait(false)).Value;
        var contents = new List<AIContent>();
        if (ReasoningText.Of(completion) is { } reasoning) contents.Add(new TextReasoningContent(reasoning));
        var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        if (text.Length > 0) contents.Add(new TextContent(text));
        if (!string.IsNullOrEmpty(completion.Refusal)) contents.Add(new TextContent(completion.Refusal));
        var calls = new ToolCallAccumulator();
        for (var i = 0; i < completion.ToolCalls.Count; i++)
        {
            var call = completion.ToolCalls[i];
            calls.Add(i, call.Id, call.FunctionName, call.FunctionArguments);
        }
        var complete = calls.Complete();
        contents.AddRange(complete);
        return new ChatResponse(new AIChatMessage(ChatRole.Assistant, contents) { MessageId = completion.Id })
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = FinishReason(completion.FinishReason, complete.Count > 0),
            Usage = completion.Usage is { } usage ? Usage(usage) : null,
            RawRepresentation = completion,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AIChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = OpenAIRequestMapper.Messages(messages, options);
        var calls = new ToolCallAccumulator();
        var finished = false;
        await foreach (var update in _client.CompleteChatStreamingAsync(request, OpenAIRequestMapper.Options(options), cancellationToken).ConfigureAwait(false))
        {
            var contents = new List<AIContent>();
            if (ReasoningText.Of(update) is { } reasoning) contents.Add(new TextReasoningContent(reasoning));
            foreach (var part in update.ContentUpdate)
                if (part.Kind == ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text))
                    contents.Add(new TextContent(part.Text));
            if (!string.IsNullOrEmpty(update.RefusalUpdate)) contents.Add(new TextContent(update.RefusalUpdate));
            foreach (var call in update.ToolCallUpdates)
                calls.Add(call.Index, call.ToolCallId, call.FunctionName, call.FunctionArgumentsUpdate);
            AIChatFinishReason? finish = null;
            if (update.FinishReason is { } reason && !finished)
            {
                finished = true;
                var complete = calls.Complete();
                finish = FinishReason(reason, complete.Count > 0);
                contents.AddRange(complete);
            }
            if (update.Usage is { } usage) contents.Add(new UsageContent(Usage(usage)));
            if (contents.Count == 0 && finish is null) continue;
            yield return new ChatResponseUpdate(ChatRole.Assistant, contents)
            {
                ResponseId = update.CompletionId,
                MessageId = update.CompletionId,
                ModelId = update.Model,
                CreatedAt = update.CreatedAt,
                FinishReason = finish,
                RawRepresentation = update,
            };
        }
        if (!finished)
            throw _errors.Truncated(calls.HasPending
                ? $"the stream stopped in the middle of tool call '{calls.LastName}'"
                : "the stream stopped without a finish reason");
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType == typeof(ChatClient)) return _client;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Nothing to release: the HTTP resources belong to the outer client (see <see cref="ChatClientFactory"/>).</summary>
    public void Dispose()
    {
    }

    internal static UsageDetails Usage(ChatTokenUsage usage) => new()
    {
        InputTokenCount = usage.InputTokenCount,
        OutputTokenCount = usage.OutputTokenCount,
        TotalTokenCount = usage.TotalTokenCount,
        CachedInputTokenCount = usage.InputTokenDetails?.CachedTokenCount,
        ReasoningTokenCount = usage.OutputTokenDetails?.ReasoningTokenCount,
    };

    /// <summary>Some OpenAI-compatible servers finish a reply with tool calls as "stop"; callers get ToolCalls.</summary>
    private static AIChatFinishReason FinishReason(OpenAIFinishReason reason, bool hasToolCalls) => reason switch
    {
        OpenAIFinishReason.Stop when hasToolCalls => AIChatFinishReason.ToolCalls,
        OpenAIFinishReason.Length => AIChatFinishReason.Length,
        OpenAIFinishReason.ToolCalls or OpenAIFinishReason.FunctionCall => AIChatFinishReason.ToolCalls,
        OpenAIFinishReason.ContentFilter => AIChatFinishReason.ContentFilter,
        _ => AIChatFinishReason.Stop,
    };
}
