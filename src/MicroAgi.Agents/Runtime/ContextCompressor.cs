using System.Text;
using Microsoft.Extensions.AI;
using MicroAgi.Llm.Compression;
using MicroAgi.Llm.Usage;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// Shrinks a conversation that fills the model's window: the whole conversation is summarised by the
/// cheap compression model and replaced by one system message "Conversation summary: …". In the middle
/// of a turn the user's latest request follows verbatim, so the task at hand is never lost; after the
/// turn's answer nothing does, since a request repeated without its answer would read as still open.
/// </summary>
public sealed class ContextCompressor(AgentServices services)
{
    /// <param name="contextWindow">The window in tokens: the model's own, or the session's choice.</param>
    public bool ShouldCompress(int contextWindow, UsageDetails? usage)
    {
        var prompt = usage?.InputTokenCount ?? 0;
        return prompt > contextWindow * services.Settings.CompressionThreshold;
    }

    /// <param name="answered">Whether the turn's final answer is already in the conversation.</param>
    public async Task CompressAsync(Conversation conversation, bool answered, IAgentObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(observer);
        var model = services.Models().Resolve(services.Settings.CompressionModel);
        var compressor = new ConversationCompressor(services.ChatClientFor(model));
        var result = await compressor.CompressAsync(Render(conversation.Messages), services.Settings.CompressionTargetCharacters, cancellationToken).ConfigureAwait(false);
        services.Costs.Record(model, result.Usage);

        var replacement = new List<ChatMessage> { new(ChatRole.System, "Conversation summary:\n\n" + result.Summary) };
        if (!answered && conversation.LatestUserMessage() is { } latestRequest) replacement.Add(latestRequest);
        var before = conversation.Messages.Count;
        conversation.Replace(replacement);
        observer.Notice($"context compressed: {before} messages summarised by {model.Name} in {result.Calls} call(s)");
    }

    /// <summary>The conversation as plain text, one block per message, tool traffic included.</summary>
    internal static string Render(IReadOnlyList<ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                var line = content switch
                {
                    TextContent t => t.Text,
                    FunctionCallContent call => $"[called {call.Name} with {System.Text.Json.JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions)}]",
                    FunctionResultContent result => $"[tool result: {result.Result}]",
                    _ => null,
                };
                if (string.IsNullOrEmpty(line)) continue;
                text.Append(message.Role.Value).Append(": ").AppendLine(line);
            }
        }
        return text.ToString();
    }
}
