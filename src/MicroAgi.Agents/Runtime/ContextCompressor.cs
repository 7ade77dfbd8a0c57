using System.Globalization;
using Microsoft.Extensions.AI;
using MicroAgi.Llm.Compression;
using MicroAgi.Llm.Errors;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// Shrinks a conversation that fills the model's window: the whole conversation is summarised by the
/// cheap compression model and replaced by one system message "Conversation summary: …". In the middle
/// of a turn the user's latest request follows verbatim (cut when it alone would crowd the window), so the
/// task at hand is never lost; after the turn's answer nothing does, since a request repeated without its
/// answer would read as still open. A conversation too long to summarise within the compressor's call budget
/// loses its oldest tool results and messages first, with a visible mark (<see cref="CompressionInput"/>); and
/// when it must shrink (the provider refused it as too long) and the summary fails, the oldest messages are
/// dropped without one.
/// </summary>
public sealed class ContextCompressor(AgentServices services)
{
    /// <summary>Whether the prompt of the next request would pass the threshold: the tokens the last request
    /// reported, plus an estimate of the messages added since (or an estimate of all, when none was reported).</summary>
    /// <param name="contextWindow">The window in tokens: the model's own, or the session's choice.</param>
    /// <param name="sent">How many of the conversation's messages the reported request carried.</param>
    public bool ShouldCompress(int contextWindow, UsageDetails? usage, Conversation conversation, int sent)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var prompt = usage?.InputTokenCount is { } reported
            ? reported + ContextBudget.EstimateTokens(conversation.Messages.Skip(sent))
            : ContextBudget.EstimateTokens(conversation.Messages);
        return prompt > contextWindow * services.Settings.CompressionThreshold;
    }

    /// <param name="answered">Whether the turn's final answer is already in the conversation.</param>
    /// <param name="mustShrink">Whether the conversation has to get smaller even when no summary can be made
    /// (the provider refused it as too long): a failed summary then drops the oldest messages instead of failing.</param>
    /// <exception cref="LlmException">The summary failed and <paramref name="mustShrink"/> is false.</exception>
    public async Task CompressAsync(Conversation conversation, AgentRunner runner, bool answered, bool mustShrink, IAgentObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(observer);
        var before = conversation.Messages.Count;
        var target = services.Settings.CompressionTargetCharacters;
        var model = services.Models().Resolve(services.Settings.CompressionModel);
        var compressor = new ConversationCompressor(services.ChatClientFor(model));
        var input = CompressionInput.Fit(conversation.Messages, compressor.MaxTextLength(target));
        if (input.Dropped) observer.Notice("the conversation is too long to summarise whole: " + input.DroppedNote());
        CompressionResult result;
        try
        {
            result = await compressor.CompressAsync(input.Text, target, cancellationToken).ConfigureAwait(false);
        }
        catch (LlmException ex) when (mustShrink && !cancellationToken.IsCancellationRequested)
        {
            DropOldest(conversation, runner, observer, ex.Message);
            return;
        }
        services.Costs.Record(model, result.Usage);

        var summary = "Conversation summary:\n\n" + (input.Dropped ? input.DroppedNote() + "\n\n" : "") + result.Summary;
        var replacement = new List<ChatMessage> { new(ChatRole.System, summary) };
        if (!answered && conversation.LatestUserMessage() is { } latestRequest) replacement.Add(Fitted(latestRequest, runner));
        conversation.Replace(replacement);
        observer.Notice($"context compressed: {before} messages summarised by {model.Name} in {result.Calls} call(s)");
    }

    /// <summary>The token count past which the conversation is compressed.</summary>
    private double Threshold(AgentRunner runner) => runner.Model.ContextWindow * services.Settings.CompressionThreshold;

    /// <summary>
    /// Keeps the newest messages that fill half the threshold, and the latest request, and drops the rest with a
    /// mark: the way out when a conversation must shrink and no summary can be had.
    /// </summary>
    private void DropOldest(Conversation conversation, AgentRunner runner, IAgentObserver observer, string why)
    {
        var messages = conversation.Messages;
        // Half of what the window should hold, and at most half of what was just refused: the window the
        // registry names may be larger than the server's.
        var room = (long)Math.Min(Threshold(runner) / 2 * ContextBudget.CharactersPerToken, messages.Sum(ContextBudget.Characters) / 2);
        var start = messages.Count;
        long used = 0;
        while (start > 0 && used + ContextBudget.Characters(messages[start - 1]) <= room)
        {
            start--;
            used += ContextBudget.Characters(messages[start]);
        }
        // Tool results never lead: their calls would be missing.
        while (start < messages.Count && messages[start].Role == ChatRole.Tool) start++;

        var note = $"[{start.ToString(CultureInfo.InvariantCulture)} earlier message(s) dropped without a summary: the conversation was too long for the model and could not be summarised ({why})]";
        var replacement = new List<ChatMessage> { new(ChatRole.System, note) };
        var latestRequest = conversation.LatestUserMessage();
        if (latestRequest is not null && !messages.Skip(start).Contains(latestRequest)) replacement.Add(Fitted(latestRequest, runner));
        replacement.AddRange(messages.Skip(start));
        conversation.Replace(replacement);
        observer.Notice($"context shrunk: {start.ToString(CultureInfo.InvariantCulture)} oldest message(s) dropped without a summary, which failed: {why}");
    }

    /// <summary>The request as the replacement keeps it: whole, unless it alone would crowd the window.</summary>
    private static ChatMessage Fitted(ChatMessage request, AgentRunner runner)
    {
        var max = ContextBudget.ToolResultCharacters(runner.Model, calls: 1);
        return request.Text.Length <= max
            ? request
            : new ChatMessage(ChatRole.User, ContextBudget.Cut(request.Text, max, "ask for the rest in a later message"));
    }
}
