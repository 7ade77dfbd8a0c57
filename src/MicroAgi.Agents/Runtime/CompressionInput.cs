using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// A conversation as the text the compression model summarises, fitted to the most it can summarise within its
/// call budget. What does not fit is dropped, never failed on, and the text says what went: first the oldest
/// tool results (the bulk of most long sessions; a mark keeps their place), then the oldest messages whole,
/// and last the end of a single message still too long.
/// </summary>
public sealed record CompressionInput(string Text, int DroppedToolResults, int DroppedMessages)
{
    private const int NoteRoom = 200;

    /// <summary>Whether anything was left out of <see cref="Text"/>.</summary>
    public bool Dropped => DroppedToolResults > 0 || DroppedMessages > 0;

    /// <summary>A line for the user and the model saying what was left out without a summary.</summary>
    public string DroppedNote() => string.Create(CultureInfo.InvariantCulture,
        $"[dropped without a summary, too long to summarise: {DroppedToolResults} oldest tool result(s) and {DroppedMessages} oldest message(s)]");

    /// <summary>Renders <paramref name="messages"/> in at most <paramref name="maxLength"/> characters.</summary>
    public static CompressionInput Fit(IReadOnlyList<ChatMessage> messages, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var blocks = messages.SelectMany(Blocks).ToList();
        long total = blocks.Sum(b => (long)b.Text.Length);
        // Room for the note that says what was dropped.
        var budget = maxLength - Math.Min(maxLength / 2, NoteRoom);
        var droppedResults = 0;
        for (var i = 0; i < blocks.Count && total > budget; i++)
        {
            if (!blocks[i].IsToolResult) continue;
            var mark = Line(blocks[i].Role, string.Create(CultureInfo.InvariantCulture, $"[tool result dropped: {blocks[i].Text.Length:N0} characters]"));
            if (mark.Length >= blocks[i].Text.Length) continue;
            total -= blocks[i].Text.Length - mark.Length;
            blocks[i] = blocks[i] with { Text = mark, IsToolResult = false };
            droppedResults++;
        }
        var first = 0;
        var droppedMessages = new HashSet<int>();
        while (total > budget && first < blocks.Count - 1)
        {
            total -= blocks[first].Text.Length;
            droppedMessages.Add(blocks[first].Message);
            first++;
        }
        // A message is dropped only when none of its blocks is left.
        droppedMessages.Remove(blocks.Count > 0 ? blocks[first].Message : -1);

        var text = new StringBuilder();
        var input = new CompressionInput("", droppedResults, droppedMessages.Count);
        if (input.Dropped) text.AppendLine(input.DroppedNote());
        foreach (var block in blocks.Skip(first)) text.Append(block.Text);
        var rendered = text.ToString();
        if (rendered.Length > maxLength)
            rendered = ContextBudget.Cut(rendered, maxLength, "the rest of this message was dropped before summarising");
        return input with { Text = rendered };
    }

    /// <summary>One block per content of a message: <c>role: text</c>, tool traffic included.</summary>
    private static IEnumerable<Block> Blocks(ChatMessage message, int index)
    {
        foreach (var content in message.Contents)
        {
            var (text, isResult) = content switch
            {
                TextContent t => (t.Text, false),
                FunctionCallContent call => ($"[called {call.Name} with {JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions)}]", false),
                FunctionResultContent result => ($"[tool result: {result.Result}]", true),
                _ => ((string?)null, false),
            };
            if (!string.IsNullOrEmpty(text)) yield return new Block(index, message.Role.Value, Line(message.Role.Value, text), isResult);
        }
    }

    private static string Line(string role, string text) => role + ": " + text + Environment.NewLine;

    private sealed record Block(int Message, string Role, string Text, bool IsToolResult);
}
