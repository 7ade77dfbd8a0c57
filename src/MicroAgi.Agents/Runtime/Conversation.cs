using Microsoft.Extensions.AI;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// The messages of a session, kept outside any runner so that reloading the agent (a new tool, a
/// new model) keeps the conversation. The agent's own prompt is not stored here: the runner adds it
/// to every request, so a changed prompt takes effect on the next load.
/// </summary>
public sealed class Conversation
{
    private readonly List<ChatMessage> _messages = [];
    private readonly ITranscriptSink? _transcript;

    public Conversation(ITranscriptSink? transcript = null, IEnumerable<ChatMessage>? history = null)
    {
        _transcript = transcript;
        if (history is not null) _messages.AddRange(history);
    }

    public IReadOnlyList<ChatMessage> Messages => _messages;

    public void Add(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _messages.Add(message);
        _transcript?.Append([message]);
    }

    /// <summary>Adds messages that belong together (a step's tool calls and their results), recorded in one write.</summary>
    public void AddRange(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages) ArgumentNullException.ThrowIfNull(message, nameof(messages));
        _messages.AddRange(messages);
        _transcript?.Append(messages);
    }

    /// <summary>Replaces every message (context compression); the transcript records the new start.</summary>
    public void Replace(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        _messages.Clear();
        _messages.AddRange(messages);
        _transcript?.Replace(messages);
    }

    /// <summary>The most recent message the user wrote, if any.</summary>
    public ChatMessage? LatestUserMessage() => _messages.LastOrDefault(m => m.Role == ChatRole.User);
}

/// <summary>Where a conversation is recorded as it changes (a JSONL transcript, say).</summary>
public interface ITranscriptSink
{
    /// <summary>Records messages added together; they reach the record in one write.</summary>
    void Append(IReadOnlyList<ChatMessage> messages);
    void Replace(IReadOnlyList<ChatMessage> messages);
}
