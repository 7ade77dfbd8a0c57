using MicroAgi.Functions;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Runtime;

/// <summary>
/// A Lua error value as error text. A tool raising a 50 MB string must not have 50 MB decoded only to
/// be cut by <see cref="FunctionResult.Failure"/>: at most <see cref="MaxValueBytes"/> of it are read.
/// </summary>
internal static class ErrorText
{
    /// <summary>What a Lua error value may keep, leaving room for the words the host puts around it.</summary>
    public const int MaxValueBytes = FunctionResult.MaxErrorLength - 512;

    /// <summary>Room for "… (N more bytes)".</summary>
    private const int MarkLength = 40;

    public static string FromLua(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length <= MaxValueBytes) return LuaStack.Decode(utf8);
        var keep = MaxValueBytes - MarkLength;
        // Continuation bytes are 10xxxxxx: back up to the start of a character.
        while (keep > 0 && (utf8[keep] & 0xC0) == 0x80) keep--;
        return string.Concat(LuaStack.Decode(utf8[..keep]), $"… ({utf8.Length - keep} more bytes)");
    }
}
