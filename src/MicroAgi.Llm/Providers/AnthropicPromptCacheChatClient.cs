using Anthropic.Models.Messages;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Puts Anthropic prompt-cache breakpoints (<c>cache_control</c>) on the stable prefix of every request: after
/// the last tool definition and after the system prompt. Tools and system prompt change rarely within a
/// session, so from the second request on the provider reads them from its cache (billed at a tenth of the input
/// price) instead of processing them again. The conversation itself carries no breakpoint: Anthropic allows four,
/// and a prefix shorter than the model's minimum is simply not cached, so two are enough and never refused.
/// </summary>
internal sealed class AnthropicPromptCacheChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    /// <summary>The key under which the Anthropic adapter reads a tool's cache breakpoint.</summary>
    private const string ToolCacheControlKey = nameof(Tool.CacheControl);

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(WithCachedSystemPrompt(messages, options, out var fitted), fitted, cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(WithCachedSystemPrompt(messages, options, out var fitted), fitted, cancellationToken);

    /// <summary>
    /// The messages with the system prompt as a first system message whose last block is a breakpoint (the
    /// adapter sends <see cref="ChatOptions.Instructions"/> as plain text, which can carry none), and options whose
    /// last tool is one.
    /// </summary>
    private static List<ChatMessage> WithCachedSystemPrompt(IEnumerable<ChatMessage> messages, ChatOptions? options, out ChatOptions? fitted)
    {
        var result = messages.ToList();
        fitted = options;
        if (options is { Tools.Count: > 0 } || !string.IsNullOrEmpty(options?.Instructions))
        {
            fitted = options.Clone();
            if (fitted.Tools is { Count: > 0 } tools && tools[^1] is AIFunctionDeclaration last)
                tools[^1] = RevisedFunction.WithProperty(last, ToolCacheControlKey, new CacheControlEphemeral());
            if (!string.IsNullOrEmpty(fitted.Instructions))
            {
                result.Insert(0, new ChatMessage(ChatRole.System, fitted.Instructions));
                fitted.Instructions = null;
            }
        }
        var system = result.FindLastIndex(m => m.Role == ChatRole.System);
        if (system >= 0 && result[system].Contents.Count > 0)
        {
            var marked = result[system].Clone();
            marked.Contents = [.. marked.Contents];
            marked.Contents[^1] = Breakpoint(marked.Contents[^1]);
            result[system] = marked;
        }
        return result;
    }

    /// <summary>A copy of <paramref name="content"/> (the caller's stays as it was) that ends a cached prefix.</summary>
    private static AIContent Breakpoint(AIContent content)
    {
        var copy = content is TextContent text
            ? new TextContent(text.Text) { AdditionalProperties = text.AdditionalProperties?.Clone(), RawRepresentation = text.RawRepresentation }
            : content;
        return copy.WithCacheControl(new CacheControlEphemeral());
    }
}
