using System.Text;

namespace MicroAgi.Agents.Tools.Files;

/// <summary>
/// A text file as the file tools handle it: UTF-8 with or without a byte-order mark, LF or CRLF line
/// ends. Both are remembered so that an edit writes the file back the way it found it.
/// </summary>
internal sealed record FileText(string Text, bool HasBom, bool UsesCrlf)
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static FileText Decode(byte[] bytes)
    {
        var hasBom = bytes.AsSpan().StartsWith(Bom);
        var text = Utf8.GetString(hasBom ? bytes[Bom.Length..] : bytes);
        return new FileText(text, hasBom, text.Contains("\r\n", StringComparison.Ordinal));
    }

    /// <summary>The file's bytes for <paramref name="text"/>, with this file's byte-order mark if it had one.</summary>
    public byte[] Encode(string text) => HasBom ? [.. Bom, .. Utf8.GetBytes(text)] : Utf8.GetBytes(text);

    /// <summary>Text the model wrote with LF line ends, in this file's line ends (a CRLF file stays CRLF).</summary>
    public string InFileLineEnds(string text) =>
        UsesCrlf ? text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal) : text;

    /// <summary>The longest prefix of <paramref name="text"/> that fits in <paramref name="maxBytes"/> UTF-8 bytes, never splitting a character.</summary>
    public static string CutToBytes(string text, int maxBytes)
    {
        var bytes = 0;
        var end = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > maxBytes) break;
            end += rune.Utf16SequenceLength;
        }
        return text[..end];
    }
}
