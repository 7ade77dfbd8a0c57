using System.Globalization;
using Microsoft.Extensions.AI;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// Holds one step's answer to the output limit the request asked for. A server that ignores the limit (and
/// streams megabytes) is read no further than the most text that limit allows: what passes is shown, the
/// rest never reaches the terminal or the conversation, and the step ends as if the model had stopped at the
/// limit (finish reason <c>length</c>).
/// </summary>
internal sealed class AnswerLimit(int outputTokens)
{
    private readonly int _maxCharacters = ContextBudget.AnswerCharacters(outputTokens);
    private long _seen;

    /// <summary>Whether the answer ran past the limit.</summary>
    public bool Exceeded { get; private set; }

    /// <summary>What of <paramref name="piece"/> may still be shown (all, a beginning, or nothing).</summary>
    public string Admit(string piece)
    {
        if (Exceeded) return "";
        var room = _maxCharacters - _seen;
        _seen += piece.Length;
        if (piece.Length <= room) return piece;
        Exceeded = true;
        return piece[..(int)room];
    }

    /// <summary>
    /// The response's contents within the limit: text cut where the limit falls, with a mark that says so;
    /// reasoning kept only whole (a cut one could not be sent back — providers check it); tool calls of a
    /// runaway answer dropped, as a model stopped at its limit makes none.
    /// </summary>
    public List<AIContent> Trim(IEnumerable<AIContent> contents)
    {
        Exceeded = true;
        var room = (long)_maxCharacters;
        var kept = new List<AIContent>();
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextReasoningContent reasoning:
                    if (reasoning.Text.Length > room) continue;
                    room -= reasoning.Text.Length;
                    kept.Add(reasoning);
                    break;
                case TextContent text:
                    if (room == 0) continue;
                    var keep = (int)Math.Min(room, text.Text.Length);
                    room -= keep;
                    kept.Add(keep == text.Text.Length ? text : new TextContent(text.Text[..keep]));
                    break;
                case FunctionCallContent:
                    break;
                default:
                    kept.Add(content);
                    break;
            }
        }
        kept.Add(new TextContent(string.Create(CultureInfo.InvariantCulture,
            $"\n[cut: the answer ran past its output limit of {outputTokens} tokens; the rest was not read]")));
        return kept;
    }
}
