using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Functions;

/// <summary>
/// The size cap of error messages. An error is read by a terminal, a model and a transcript: a tool
/// raising a 50 MB string must not put 50 MB into all three. Longer text is cut, with a mark that
/// says how much was left out.
/// </summary>
internal static class ErrorText
{
    /// <summary>The longest error message a call returns, in characters (the mark included).</summary>
    public const int MaxLength = 4096;

    /// <summary>What a Lua error value may keep, leaving room for the words the host puts around it.</summary>
    public const int MaxValueBytes = MaxLength - 512;

    /// <summary>Room for "… (N more characters)".</summary>
    private const int MarkLength = 40;

    public static string Cap(string text)
    {
        if (text.Length <= MaxLength) return text;
        var keep = MaxLength - MarkLength;
        // Never split a surrogate pair.
        if (char.IsHighSurrogate(text[keep - 1])) keep--;
        return string.Concat(text.AsSpan(0, keep), $"… ({text.Length - keep} more characters)");
    }

    /// <summary>A Lua string as error text, decoding no more than <see cref="MaxValueBytes"/> of it.</summary>
    public static string FromLua(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length <= MaxValueBytes) return LuaStack.Decode(utf8);
        var keep = MaxValueBytes - MarkLength;
        // Continuation bytes are 10xxxxxx: back up to the start of a character.
        while (keep > 0 && (utf8[keep] & 0xC0) == 0x80) keep--;
        return string.Concat(LuaStack.Decode(utf8[..keep]), $"… ({utf8.Length - keep} more bytes)");
    }
}
