using System.Buffers;
using System.Globalization;
using System.Text;
using MicroAgi.Lua.Native;

namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// Raw, non-raising access to the Lua stack: reading values without metamethods and pushing .NET
/// values. Every string crosses as UTF-8 bytes.
/// </summary>
internal static unsafe class LuaStack
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static void PushString(nint L, string value)
    {
        var max = Utf8.GetMaxByteCount(value.Length);
        if (max <= 512)
        {
            var buffer = stackalloc byte[max];
            var written = Utf8.GetBytes(value, new Span<byte>(buffer, max));
            LuaNative.lua_pushlstring(L, buffer, (nuint)written);
            return;
        }
        var rented = ArrayPool<byte>.Shared.Rent(Utf8.GetByteCount(value));
        try
        {
            var length = Utf8.GetBytes(value, rented);
            PushBytes(L, rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static void PushBytes(nint L, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
        {
            // lua_pushlstring needs a non-null pointer even for the empty string.
            byte empty = 0;
            LuaNative.lua_pushlstring(L, p == null ? &empty : p, (nuint)value.Length);
        }
    }

    /// <summary>The bytes of the string at <paramref name="index"/> (which must be a string), valid while it stays on the stack.</summary>
    public static ReadOnlySpan<byte> StringBytes(nint L, int index)
    {
        nuint length;
        var p = LuaNative.lua_tolstring(L, index, &length);
        return p == null ? default : new ReadOnlySpan<byte>(p, checked((int)length));
    }

    public static string String(nint L, int index) => Decode(StringBytes(L, index));

    /// <summary>
    /// The bytes as text, invalid UTF-8 replaced by U+FFFD. The encoding's replacement fallback
    /// allocates tens of bytes per invalid byte (6 MB of <c>"\255"</c> cost 200 MB of managed
    /// memory); the span conversion allocates only its result.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes)) return Utf8.GetString(bytes);
        // Never more UTF-16 units than UTF-8 bytes: a replaced byte becomes one unit.
        var buffer = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            System.Text.Unicode.Utf8.ToUtf16(bytes, buffer, out _, out var written, replaceInvalidSequences: true);
            return new string(buffer, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    public static byte[] Encode(string text) => Utf8.GetBytes(text);

    /// <summary>Lua's type name for the value at <paramref name="index"/> ("no value" when absent).</summary>
    public static string TypeName(nint L, int index) => LuaNative.lua_type(L, index) switch
    {
        LuaNative.LUA_TNONE => "no value",
        LuaNative.LUA_TNIL => "nil",
        LuaNative.LUA_TBOOLEAN => "boolean",
        LuaNative.LUA_TLIGHTUSERDATA or LuaNative.LUA_TUSERDATA => "userdata",
        LuaNative.LUA_TNUMBER => "number",
        LuaNative.LUA_TSTRING => "string",
        LuaNative.LUA_TTABLE => "table",
        LuaNative.LUA_TFUNCTION => "function",
        LuaNative.LUA_TTHREAD => "thread",
        _ => "unknown",
    };

    /// <summary>
    /// A short, safe description of any value for an error message: strings as they are, numbers and
    /// booleans formatted, anything else by type. Never calls <c>__tostring</c>.
    /// </summary>
    public static string Describe(nint L, int index)
    {
        switch (LuaNative.lua_type(L, index))
        {
            case LuaNative.LUA_TSTRING: return String(L, index);
            case LuaNative.LUA_TNUMBER: return FormatNumber(L, index);
            case LuaNative.LUA_TBOOLEAN: return LuaNative.lua_toboolean(L, index) != 0 ? "true" : "false";
            case LuaNative.LUA_TNIL: return "nil";
            default: return $"({TypeName(L, index)} value)";
        }
    }

    /// <summary>Formats the number at <paramref name="index"/> the way Lua's tostring does.</summary>
    public static string FormatNumber(nint L, int index)
    {
        if (LuaNative.lua_isinteger(L, index) != 0)
            return LuaNative.lua_tointegerx(L, index, null).ToString(CultureInfo.InvariantCulture);
        return FormatFloat(LuaNative.lua_tonumberx(L, index, null));
    }

    /// <summary>Lua's <c>"%.14g"</c> float format, with ".0" added to integral values as Lua does.</summary>
    public static string FormatFloat(double value)
    {
        if (double.IsNaN(value)) return double.IsNegative(value) ? "-nan" : "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        var text = value.ToString("G14", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        return text.AsSpan().IndexOfAny(".en") >= 0 ? text : text + ".0";
    }
}
