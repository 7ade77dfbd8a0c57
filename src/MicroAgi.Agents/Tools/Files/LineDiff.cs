using System.Text;

namespace MicroAgi.Agents.Tools.Files;

/// <summary>
/// A small diff of one replaced span: the lines it touched before and after, with a line of context
/// on each side, as <c>-</c>/<c>+</c> lines under an <c>@@</c> header. Enough for the model and the user
/// to see what changed; long changes are cut. A whole new text against the old one is shown as the one
/// span between what they share at the start and at the end.
/// </summary>
internal static class LineDiff
{
    private const int MaxLinesPerSide = 40;

    /// <summary>The diff from <paramref name="before"/> to <paramref name="after"/>: everything between their common start and common end.</summary>
    public static string Between(string before, string after)
    {
        if (before == after) return "(no change: the new content is the same as the file's)";
        var prefix = before.AsSpan().CommonPrefixLength(after);
        var most = Math.Min(before.Length, after.Length) - prefix;
        var suffix = 0;
        while (suffix < most && before[^(suffix + 1)] == after[^(suffix + 1)]) suffix++;
        return Of(before, prefix, before.Length - prefix - suffix, after[prefix..^suffix]);
    }

    public static string Of(string before, int start, int removedLength, string inserted)
    {
        var after = string.Concat(before.AsSpan(0, start), inserted, before.AsSpan(start + removedLength));
        var firstLine = CountLines(before, start);
        var lineStart = start == 0 ? 0 : before.LastIndexOf('\n', start - 1) + 1;
        var oldEnd = LineEnd(before, start + removedLength);
        var newEnd = LineEnd(after, start + inserted.Length);
        var builder = new StringBuilder();
        builder.Append("@@ line ").Append(firstLine + 1).Append(" @@\n");
        if (lineStart > 0)
        {
            var previous = lineStart >= 2 ? before.LastIndexOf('\n', lineStart - 2) + 1 : 0;
            Append(builder, ' ', before[previous..lineStart]);
        }
        Append(builder, '-', before[lineStart..oldEnd]);
        Append(builder, '+', after[lineStart..newEnd]);
        if (oldEnd < before.Length) Append(builder, ' ', before[oldEnd..LineEnd(before, oldEnd)]);
        return builder.ToString();
    }

    private static int CountLines(string text, int end)
    {
        var count = 0;
        for (var i = 0; i < end; i++) if (text[i] == '\n') count++;
        return count;
    }

    /// <summary>The index just after the line that contains <paramref name="index"/> (its newline included).</summary>
    private static int LineEnd(string text, int index)
    {
        if (index > 0 && index <= text.Length && text[index - 1] == '\n') return index;
        var newline = text.IndexOf('\n', Math.Min(index, text.Length));
        return newline < 0 ? text.Length : newline + 1;
    }

    private static void Append(StringBuilder builder, char mark, string lines)
    {
        if (lines.Length == 0) return;
        var split = lines.TrimEnd('\n').Split('\n');
        foreach (var line in split.Take(MaxLinesPerSide)) builder.Append(mark).Append(line.TrimEnd('\r')).Append('\n');
        if (split.Length > MaxLinesPerSide) builder.Append(mark).Append($" … {split.Length - MaxLinesPerSide} more lines\n");
    }
}
