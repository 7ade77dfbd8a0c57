using System.Buffers;
using System.Text.Json;
using MicroAgi.Lua.Native;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary><c>json</c>: encode and decode JSON (docs/lua/modules/json.md).</summary>
internal static class JsonModule
{
    public static HostModule Module { get; } = new("json",
    [
        ("encode", Encode),
        ("decode", Decode),
        ("array", call => Mark(call, TableShape.Array)),
        ("object", call => Mark(call, TableShape.Object)),
    ],
    [
        ("null", LuaNull.Value),
    ]);

    private static int Encode(HostCall call)
    {
        if (call.ArgumentCount < 1) throw call.Expected(1, "value");
        var pretty = false;
        if (call.HasOptions(2)) pretty = call.Field(2, "pretty").AsBoolean() ?? false;
        var output = new ArrayBufferWriter<byte>(256);
        try
        {
            LuaJson.Write(call.L, 1, output, call.Sandbox, "value", long.MaxValue, pretty);
        }
        catch (LuaConversionException e)
        {
            return call.Fail("json.encode: " + e.Message);
        }
        return call.PushBytes(output.WrittenSpan);
    }

    private static int Decode(HostCall call)
    {
        var text = call.Bytes(1);
        call.EnsureRoom(text.Length);
        var top = LuaNative.lua_gettop(call.L);
        try
        {
            LuaJson.PushJson(call.L, text, call.Sandbox);
            return 1;
        }
        catch (JsonException e)
        {
            LuaNative.lua_settop(call.L, top);
            return call.Fail("json.decode: " + Describe(e));
        }
    }

    /// <summary>"line 1, column 2: 'x' is an invalid start of a value." — System.Text.Json's text with a readable position.</summary>
    internal static string Describe(JsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        return exception.LineNumber is { } line && exception.BytePositionInLine is { } column
            ? $"line {line + 1}, column {column + 1}: {message.Trim()}"
            : message.Trim();
    }

    private static int Mark(HostCall call, TableShape shape)
    {
        var L = call.L;
        if (call.IsNoneOrNil(1))
        {
            LuaNative.lua_settop(L, 0);
            LuaNative.lua_createtable(L, 0, 0);
        }
        else
        {
            call.RequireTable(1);
            LuaNative.lua_settop(L, 1);
        }
        call.MarkShape(1, shape);
        return 1;
    }
}
