using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using SdkChatMessage = OpenAI.Chat.ChatMessage;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// The <see cref="SentMessagesJson"/> of the last few conversations a client served (an agent, its subagents,
/// the compressor's summaries), told apart by their first message object. A request finds the cache of its
/// conversation, or takes over the least recently used one.
/// </summary>
internal sealed class MessageArrayCache
{
    private const int Conversations = 4;

    private readonly Lock _lock = new();
    // Most recently used first; a cache is taken out while a request writes with it.
    private readonly LinkedList<SentMessagesJson> _idle = [];

    /// <summary>The <c>messages</c> array of a request, in a rented buffer the caller disposes once the request is sent.</summary>
    public RentedJson Write(IReadOnlyList<AIChatMessage> messages, Func<AIChatMessage, IEnumerable<SdkChatMessage>> toSdk)
    {
        var cache = Take(messages.Count > 0 ? messages[0] : null);
        try
        {
            return cache.Write(messages, toSdk);
        }
        finally
        {
            Return(cache);
        }
    }

    private SentMessagesJson Take(AIChatMessage? first)
    {
        lock (_lock)
        {
            for (var node = _idle.First; node is not null; node = node.Next)
            {
                if (!ReferenceEquals(node.Value.First, first)) continue;
                _idle.Remove(node);
                return node.Value;
            }
            if (_idle.Count < Conversations) return new SentMessagesJson();
            var oldest = _idle.Last!.Value;
            _idle.RemoveLast();
            return oldest;
        }
    }

    private void Return(SentMessagesJson cache)
    {
        lock (_lock)
        {
            _idle.AddFirst(cache);
            if (_idle.Count > Conversations) _idle.RemoveLast();
        }
    }
}
