namespace MicroAgi.Testing.FakeLlm;

/// <summary>Splits text into stream pieces without separating the halves of a surrogate pair.</summary>
internal static class TextPieces
{
    public static IEnumerable<string> Split(string text, int size)
    {
        var start = 0;
        while (start < text.Length)
        {
            var length = Math.Min(size, text.Length - start);
            if (start + length < text.Length && char.IsHighSurrogate(text[start + length - 1]))
                length = length > 1 ? length - 1 : 2;
            yield return text.Substring(start, length);
            start += length;
        }
    }
}
