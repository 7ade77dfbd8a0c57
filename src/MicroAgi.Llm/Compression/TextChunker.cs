namespace MicroAgi.Llm.Compression;

/// <summary>Cuts text into pieces at natural boundaries.</summary>
internal static class TextChunker
{
    private const string Ellipsis = "…";

    /// <summary>
    /// Pieces of at most <paramref name="maxLength"/> characters. A piece ends at the last paragraph break,
    /// else line break, else sentence end, else space within its final fifth; only when there is none is a
    /// word cut. So every piece but the last is at least four fifths of the maximum.
    /// </summary>
    public static List<string> Split(string text, int maxLength)
    {
        var pieces = new List<string>();
        var start = 0;
        while (text.Length - start > maxLength)
        {
            var cut = CutPoint(text, start, maxLength);
            pieces.Add(text[start..cut]);
            start = cut;
        }
        pieces.Add(text[start..]);
        return pieces;
    }

    /// <summary>The most pieces <see cref="Split"/> can produce for a text of this length.</summary>
    public static int MaxPieces(int length, int maxLength)
    {
        if (length <= maxLength) return 1;
        var minPiece = maxLength - (maxLength / 5);
        return ((length - 1) / minPiece) + 1;
    }

    /// <summary>The text, cut at a word boundary and marked with an ellipsis when longer than the limit.</summary>
    public static string Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength) return text;
        if (maxLength <= Ellipsis.Length) return text[..maxLength];
        var room = maxLength - Ellipsis.Length;
        var space = text.LastIndexOf(' ', room, room - (room * 4 / 5));
        var end = space > 0 ? space : SafeEnd(text, room);
        return text[..end].TrimEnd() + Ellipsis;
    }

    private static int CutPoint(string text, int start, int maxLength)
    {
        var end = start + maxLength;
        var window = maxLength / 5;
        foreach (var boundary in (string[])["\n\n", "\n", ". ", " "])
        {
            // Search the final fifth for the boundary's last occurrence that ends inside the piece.
            var from = end - boundary.Length;
            var at = text.LastIndexOf(boundary, from, Math.Min(window, from - start + 1), StringComparison.Ordinal);
            if (at > start) return at + boundary.Length;
        }
        return SafeEnd(text, end);
    }

    /// <summary>Avoids separating the halves of a surrogate pair.</summary>
    private static int SafeEnd(string text, int end) =>
        end > 0 && end < text.Length && char.IsHighSurrogate(text[end - 1]) ? end - 1 : end;
}
