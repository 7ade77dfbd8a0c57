using System.Globalization;

namespace MicroAgi.Cli.Commands;

/// <summary>A line of a unified diff: <c>' '</c> context, <c>'-'</c> removed, <c>'+'</c> added, <c>'@'</c> a hunk header.</summary>
internal readonly record struct DiffLine(char Kind, string Text);

/// <summary>
/// The unified diff of two texts, as <c>diff -u</c> prints it: hunks of changed lines with three lines of context,
/// each under an <c>@@ -a,b +c,d @@</c> header. Lines are matched by their longest common subsequence.
/// </summary>
internal static class UnifiedDiff
{
    private const int Context = 3;

    /// <summary>Past this many line pairs the table would be too big: the whole old text is shown removed, the new added.</summary>
    private const long MaxCells = 4_000_000;

    public static IReadOnlyList<DiffLine> Lines(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        var edits = Edits(before, after);
        var result = new List<DiffLine>();
        var i = 0;
        while (i < edits.Count)
        {
            if (edits[i].Kind == ' ')
            {
                i++;
                continue;
            }
            // A hunk: from Context lines before this change to Context lines after the last change that is near it.
            var start = Math.Max(0, i - Context);
            var end = i;
            while (true)
            {
                while (end < edits.Count && edits[end].Kind != ' ') end++;
                var next = end;
                while (next < edits.Count && edits[next].Kind == ' ') next++;
                if (next < edits.Count && next - end <= 2 * Context)
                {
                    end = next;
                    continue;
                }
                end = Math.Min(edits.Count, end + Context);
                break;
            }
            var hunk = edits.GetRange(start, end - start);
            var oldStart = edits.Take(start).Count(e => e.Kind != '+');
            var newStart = edits.Take(start).Count(e => e.Kind != '-');
            var oldCount = hunk.Count(e => e.Kind != '+');
            var newCount = hunk.Count(e => e.Kind != '-');
            result.Add(new DiffLine('@', string.Create(CultureInfo.InvariantCulture,
                $"@@ -{(oldCount == 0 ? oldStart : oldStart + 1)},{oldCount} +{(newCount == 0 ? newStart : newStart + 1)},{newCount} @@")));
            result.AddRange(hunk);
            i = end;
        }
        return result;
    }

    /// <summary>Every line of both texts in order, each kept, removed or added.</summary>
    private static List<DiffLine> Edits(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        // Common lines at both ends are kept as they are: the table is only built for the middle.
        var head = 0;
        while (head < before.Count && head < after.Count && before[head] == after[head]) head++;
        var tail = 0;
        while (tail < before.Count - head && tail < after.Count - head && before[before.Count - 1 - tail] == after[after.Count - 1 - tail]) tail++;
        var edits = before.Take(head).Select(l => new DiffLine(' ', l)).ToList();
        var n = before.Count - head - tail;
        var m = after.Count - head - tail;
        if ((long)n * m > MaxCells)
        {
            edits.AddRange(before.Skip(head).Take(n).Select(l => new DiffLine('-', l)));
            edits.AddRange(after.Skip(head).Take(m).Select(l => new DiffLine('+', l)));
        }
        else
        {
            // common[i, j]: the longest common subsequence of before[head+i..] and after[head+j..].
            var common = new int[n + 1, m + 1];
            for (var i = n - 1; i >= 0; i--)
            {
                for (var j = m - 1; j >= 0; j--)
                {
                    common[i, j] = before[head + i] == after[head + j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
                }
            }
            int x = 0, y = 0;
            while (x < n || y < m)
            {
                if (x < n && y < m && before[head + x] == after[head + y])
                {
                    edits.Add(new DiffLine(' ', before[head + x]));
                    x++;
                    y++;
                }
                // Removed lines before added ones, as diff -u writes them.
                else if (x < n && (y == m || common[x + 1, y] >= common[x, y + 1])) edits.Add(new DiffLine('-', before[head + x++]));
                else edits.Add(new DiffLine('+', after[head + y++]));
            }
        }
        edits.AddRange(before.Skip(before.Count - tail).Select(l => new DiffLine(' ', l)));
        return edits;
    }
}
