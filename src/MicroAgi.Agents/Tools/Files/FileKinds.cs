using System.Text;

namespace MicroAgi.Agents.Tools.Files;

/// <summary>Tells binary files from text: known signatures name the type; a NUL byte or invalid UTF-8 means binary.</summary>
internal static class FileKinds
{
    private static readonly (byte[] Magic, string Type)[] Signatures =
    [
        ([0x89, (byte)'P', (byte)'N', (byte)'G'], "image/png"),
        ([0xFF, 0xD8, 0xFF], "image/jpeg"),
        ("GIF8"u8.ToArray(), "image/gif"),
        ("%PDF"u8.ToArray(), "application/pdf"),
        ([(byte)'P', (byte)'K', 3, 4], "application/zip"),
        ([0x1F, 0x8B], "application/gzip"),
        ([0x7F, (byte)'E', (byte)'L', (byte)'F'], "application/x-elf (executable)"),
    ];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The type of a binary file, or null when <paramref name="bytes"/> is text.</summary>
    public static string? Describe(byte[] bytes)
    {
        foreach (var (magic, type) in Signatures)
            if (bytes.AsSpan().StartsWith(magic)) return type;
        if (bytes.Length >= 12 && bytes.AsSpan(0, 4).SequenceEqual("RIFF"u8) && bytes.AsSpan(8, 4).SequenceEqual("WEBP"u8)) return "image/webp";
        if (bytes.AsSpan().Contains((byte)0)) return "application/octet-stream";
        try
        {
            StrictUtf8.GetCharCount(bytes);
            return null;
        }
        catch (DecoderFallbackException)
        {
            return "application/octet-stream (not UTF-8 text)";
        }
    }
}
