using System.Buffers;
using System.Runtime.InteropServices;
using MicroAgi.Lua.Native;

namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// Compiled Lua chunks as bytes (<c>lua_dump</c>), so a chunk is parsed once and every later state
/// loads the bytes instead. Binary chunks are trusted input for Lua's loader — a crafted one can
/// corrupt memory — so only the host makes them, from source it compiled itself, and only the host
/// loads them: user code has no <c>load</c> and no <c>string.dump</c>.
/// </summary>
internal static unsafe class LuaChunk
{
    private static nint Writer => (nint)(delegate* unmanaged<nint, void*, nuint, void*, int>)&Write;

    /// <summary>The bytes of the Lua function on top of <paramref name="L"/>'s stack, debug information included (error messages keep their line numbers).</summary>
    public static byte[] Dump(nint L)
    {
        var output = new ArrayBufferWriter<byte>(4096);
        var handle = GCHandle.Alloc(output);
        try
        {
            if (LuaNative.lua_dump(L, Writer, (void*)GCHandle.ToIntPtr(handle), 0) != 0)
                throw new InvalidOperationException("lua_dump could not write the compiled chunk");
        }
        finally
        {
            handle.Free();
        }
        return output.WrittenSpan.ToArray();
    }

    [UnmanagedCallersOnly]
    private static int Write(nint L, void* bytes, nuint size, void* userData)
    {
        var output = (ArrayBufferWriter<byte>)GCHandle.FromIntPtr((nint)userData).Target!;
        output.Write(new ReadOnlySpan<byte>(bytes, (int)size));
        return 0;
    }

    /// <summary>Loads <paramref name="chunk"/> onto <paramref name="L"/>'s stack: source text with mode <c>"t"</c>, or host-made bytes with mode <c>"b"</c>.</summary>
    public static int Load(nint L, ReadOnlySpan<byte> chunk, string name, bool binary)
    {
        var encodedName = LuaStack.Encode(name + "\0");
        fixed (byte* text = chunk)
        fixed (byte* namePointer = encodedName)
        fixed (byte* mode = binary ? "b\0"u8 : "t\0"u8)
        {
            return LuaNative.luaL_loadbufferx(L, text, (nuint)chunk.Length, namePointer, mode);
        }
    }
}
