using System.Globalization;
using Microsoft.Extensions.AI;
using MicroAgi.Llm.Models;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// How much text the model's window holds, in characters, and how the loop keeps every message inside it:
/// no tool result, answer or resumed conversation may grow a session past what the model can read.
/// Token counts are estimated from characters, on the short side for a token (JSON and code run about three
/// characters a token), so an estimate errs toward "full".
/// </summary>
public static class ContextBudget
{
    /// <summary>Characters per token when sizing what must fit the window (few: a cap must hold for code and JSON too).</summary>
    public const int CharactersPerToken = 3;

    /// <summary>Characters per token when recognising a runaway answer (many: a real answer within its token
    /// limit must never be cut, whatever its tokens look like).</summary>
    public const int MostCharactersPerToken = 8;

    /// <summary>The share of the window all tool results of one step may fill together: room is left for the
    /// conversation and the next answer.</summary>
    public const double ToolResultShare = 0.25;

    /// <summary>The least a tool result is cut to, however small the window or many the calls.</summary>
    public const int MinToolResultCharacters = 2_000;

    /// <summary>The most characters one tool result of a step with <paramref name="calls"/> calls may keep.</summary>
    public static int ToolResultCharacters(ModelDefinition model, int calls)
    {
        ArgumentNullException.ThrowIfNull(model);
        var share = (long)(model.ContextWindow * ToolResultShare * CharactersPerToken) / Math.Max(1, calls);
        return (int)Math.Clamp(share, MinToolResultCharacters, int.MaxValue / 2);
    }

    /// <summary>The most characters an answer limited to <paramref name="outputTokens"/> tokens can honestly have.</summary>
    public static int AnswerCharacters(int outputTokens) =>
        (int)Math.Min((long)Math.Max(1, outputTokens) * MostCharactersPerToken, int.MaxValue / 2);

    /// <summary>An estimate of the tokens <paramref name="messages"/> take (text, tool calls and results).</summary>
    public static long EstimateTokens(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages.Sum(Characters) / CharactersPerToken;
    }

    /// <summary>The characters a message carries to the model.</summary>
    public static long Characters(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        long total = 0;
        foreach (var content in message.Contents)
        {
            total += content switch
            {
                TextContent text => text.Text.Length,
                TextReasoningContent reasoning => reasoning.Text.Length,
                FunctionCallContent call => call.Name.Length + (call.Arguments?.Sum(a => a.Key.Length + (a.Value?.ToString()?.Length ?? 4)) ?? 0),
                FunctionResultContent result => result.Result?.ToString()?.Length ?? 0,
                _ => 0,
            };
        }
        return total;
    }

    /// <summary>
    /// <paramref name="text"/> cut to <paramref name="maxLength"/> characters, the mark that says so included:
    /// <c>[cut: … of N characters …; how]</c> with <paramref name="howToGetTheRest"/>.
    /// </summary>
    public static string Cut(string text, int maxLength, string howToGetTheRest)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= maxLength) return text;
        var mark = string.Create(CultureInfo.InvariantCulture,
            $"\n[cut: this was {text.Length:N0} characters, only the first part fits the model's context; {howToGetTheRest}]");
        var keep = Math.Max(0, maxLength - mark.Length);
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1])) keep--;
        return string.Concat(text.AsSpan(0, keep), mark);
    }
}
