using System.Text.Json.Nodes;
using MicroAgi.Lua.Native;

namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// What a host function sees of its Lua call: checked argument readers (which throw
/// <see cref="LuaArgumentException"/> with Lua's wording) and result pushers. Arguments are numbered
/// from 1 as in Lua.
/// </summary>
internal readonly unsafe ref struct HostCall
{
    public HostCall(nint state, LuaSandbox sandbox, string name)
    {
        L = state;
        Sandbox = sandbox;
        Name = name;
    }

    public nint L { get; }
    public LuaSandbox Sandbox { get; }
    public string Name { get; }

    public int ArgumentCount => LuaNative.lua_gettop(L);

    /// <summary>A budget for this call's loops and the data it builds.</summary>
    public HostBudget Budget() => new(Sandbox, L);

    /// <summary>Trips the memory limit unless <paramref name="bytes"/> more fit under the cap.</summary>
    public void EnsureRoom(long bytes) => Sandbox.EnsureRoom(L, bytes);

    /// <summary>Marks the table at <paramref name="index"/> for <c>json.array</c>/<c>json.object</c>.</summary>
    public void MarkShape(int index, TableShape shape) => Sandbox.MarkShape(L, index, shape);

    public int TypeOf(int argument) => LuaNative.lua_type(L, argument);

    public bool IsNoneOrNil(int argument) => LuaNative.lua_type(L, argument) <= LuaNative.LUA_TNIL;

    public LuaArgumentException Expected(int argument, string expected) =>
        new(argument, $"{expected} expected, got {LuaStack.TypeName(L, argument)}");

    /// <summary>A string argument (numbers are converted, as Lua's string functions do). The span lives while the call runs.</summary>
    public ReadOnlySpan<byte> Bytes(int argument)
    {
        var type = LuaNative.lua_type(L, argument);
        if (type != LuaNative.LUA_TSTRING && type != LuaNative.LUA_TNUMBER) throw Expected(argument, "string");
        return LuaStack.StringBytes(L, argument);
    }

    public string String(int argument)
    {
        var bytes = Bytes(argument);
        return bytes.Length <= DecodeStep ? LuaStack.Decode(bytes) : DecodeInSteps(bytes, Sandbox);
    }

    /// <summary>
    /// Longer text is decoded in pieces of this many bytes with the deadline checked between them:
    /// decoding an 18 MB argument in one go overran the deadline by 300–400 ms on a loaded machine.
    /// </summary>
    private const int DecodeStep = 1 << 20;

    /// <summary>Valid UTF-8, counted and then decoded piece by piece into one string; text with invalid bytes is decoded in one step.</summary>
    private static string DecodeInSteps(ReadOnlySpan<byte> bytes, LuaSandbox sandbox)
    {
        var length = 0;
        for (var rest = bytes; !rest.IsEmpty;)
        {
            sandbox.CheckDeadline();
            var piece = Piece(rest);
            if (!System.Text.Unicode.Utf8.IsValid(piece)) return LuaStack.Decode(bytes);
            length += System.Text.Encoding.UTF8.GetCharCount(piece);
            rest = rest[piece.Length..];
        }
        fixed (byte* start = bytes)
        {
            return string.Create(length, ((nint)start, bytes.Length, sandbox), static (chars, state) =>
            {
                var rest = new ReadOnlySpan<byte>((void*)state.Item1, state.Item2);
                var written = 0;
                while (!rest.IsEmpty)
                {
                    state.sandbox.CheckDeadline();
                    var piece = Piece(rest);
                    written += System.Text.Encoding.UTF8.GetChars(piece, chars[written..]);
                    rest = rest[piece.Length..];
                }
            });
        }
    }

    /// <summary>The next piece of <paramref name="rest"/>, ending between two characters (a valid text never splits one).</summary>
    private static ReadOnlySpan<byte> Piece(ReadOnlySpan<byte> rest)
    {
        if (rest.Length <= DecodeStep) return rest;
        var end = DecodeStep;
        while (end > DecodeStep - 4 && (rest[end] & 0xC0) == 0x80) end--;
        return rest[..end];
    }

    public string? OptionalString(int argument) => IsNoneOrNil(argument) ? null : String(argument);

    /// <summary>An integer argument, converted as Lua's luaL_checkinteger does: numeric strings (<c>"3"</c>, <c>"0x10"</c>, <c>"3.0"</c>) count.</summary>
    public long Integer(int argument)
    {
        var type = LuaNative.lua_type(L, argument);
        if (type != LuaNative.LUA_TNUMBER && type != LuaNative.LUA_TSTRING) throw Expected(argument, "number");
        int isInteger;
        var value = LuaNative.lua_tointegerx(L, argument, &isInteger);
        if (isInteger != 0) return value;
        int isNumber;
        LuaNative.lua_tonumberx(L, argument, &isNumber);
        if (isNumber == 0) throw Expected(argument, "number");
        throw new LuaArgumentException(argument, "number has no integer representation");
    }

    public long OptionalInteger(int argument, long fallback) => IsNoneOrNil(argument) ? fallback : Integer(argument);

    public double Number(int argument)
    {
        int isNumber;
        var value = LuaNative.lua_tonumberx(L, argument, &isNumber);
        if (isNumber == 0) throw Expected(argument, "number");
        return value;
    }

    public double OptionalNumber(int argument, double fallback) => IsNoneOrNil(argument) ? fallback : Number(argument);

    public bool OptionalBoolean(int argument, bool fallback) =>
        IsNoneOrNil(argument) ? fallback : LuaNative.lua_toboolean(L, argument) != 0;

    public void RequireTable(int argument)
    {
        if (LuaNative.lua_type(L, argument) != LuaNative.LUA_TTABLE) throw Expected(argument, "table");
    }

    /// <summary>An optional options table: absent/nil is fine, anything else but a table is an error.</summary>
    public bool HasOptions(int argument)
    {
        if (IsNoneOrNil(argument)) return false;
        RequireTable(argument);
        return true;
    }

    /// <summary>A field of the table at <paramref name="argument"/>, read raw, as a .NET value for option parsing.</summary>
    public LuaField Field(int argument, string name) => new(L, argument, name);

    /// <summary>Any argument converted to JSON with the sandbox's conversion rules.</summary>
    public JsonNode? Json(int argument) => LuaJson.ToNode(L, argument, Sandbox, $"argument #{argument}");

    // ---- results ----

    public int PushNil()
    {
        LuaNative.lua_pushnil(L);
        return 1;
    }

    public int PushBoolean(bool value)
    {
        LuaNative.lua_pushboolean(L, value ? 1 : 0);
        return 1;
    }

    public int PushInteger(long value)
    {
        LuaNative.lua_pushinteger(L, value);
        return 1;
    }

    public int PushNumber(double value)
    {
        LuaNative.lua_pushnumber(L, value);
        return 1;
    }

    public int PushString(string value)
    {
        EnsureRoom(value.Length);
        LuaStack.PushString(L, value);
        return 1;
    }

    /// <summary>Pushes an argument itself: a string argument stays the same string object, not a copy.</summary>
    public int PushArgument(int argument)
    {
        LuaNative.lua_pushvalue(L, argument);
        return 1;
    }

    public int PushBytes(ReadOnlySpan<byte> value)
    {
        EnsureRoom(value.Length);
        LuaStack.PushBytes(L, value);
        return 1;
    }

    public int PushJson(JsonNode? value)
    {
        LuaJson.PushNode(L, value, Sandbox);
        return 1;
    }

    /// <summary>
    /// The failure convention of every host function: <c>nil, message</c>. The message is capped as a
    /// call's error is: many quote their input (a 5 MB URL made a 5 MB message for the tool to carry).
    /// </summary>
    public int Fail(string message)
    {
        LuaNative.lua_pushnil(L);
        LuaStack.PushString(L, MicroAgi.Functions.FunctionResult.Capped(message));
        return 2;
    }
}

/// <summary>One field of an options table, read without metamethods.</summary>
internal readonly unsafe ref struct LuaField
{
    private readonly nint _state;
    private readonly int _table;
    private readonly string _name;

    public LuaField(nint state, int table, string name)
    {
        _state = state;
        _table = LuaNative.lua_absindex(state, table);
        _name = name;
    }

    /// <summary>Pushes the field's value; the caller pops it.</summary>
    private int Push()
    {
        LuaStack.PushString(_state, _name);
        return LuaNative.lua_rawget(_state, _table);
    }

    private ArgumentException Wrong(string expected) =>
        new($"option '{_name}' must be {expected}, not {LuaStack.TypeName(_state, -1)}");

    public bool Exists
    {
        get
        {
            var type = Push();
            LuaNative.lua_pop(_state, 1);
            return type > LuaNative.LUA_TNIL;
        }
    }

    public string? AsString()
    {
        var type = Push();
        try
        {
            if (type == LuaNative.LUA_TNIL) return null;
            if (type is not (LuaNative.LUA_TSTRING or LuaNative.LUA_TNUMBER)) throw Wrong("a string");
            return LuaStack.String(_state, -1);
        }
        finally
        {
            LuaNative.lua_pop(_state, 1);
        }
    }

    public double? AsNumber()
    {
        var type = Push();
        try
        {
            if (type == LuaNative.LUA_TNIL) return null;
            int ok;
            var value = LuaNative.lua_tonumberx(_state, -1, &ok);
            if (ok == 0) throw Wrong("a number");
            return value;
        }
        finally
        {
            LuaNative.lua_pop(_state, 1);
        }
    }

    public bool? AsBoolean()
    {
        var type = Push();
        try
        {
            if (type == LuaNative.LUA_TNIL) return null;
            if (type != LuaNative.LUA_TBOOLEAN) throw Wrong("a boolean");
            return LuaNative.lua_toboolean(_state, -1) != 0;
        }
        finally
        {
            LuaNative.lua_pop(_state, 1);
        }
    }

    /// <summary>The field as JSON (tables, strings, numbers…), or null when absent.</summary>
    public JsonNode? AsJson(LuaSandbox sandbox)
    {
        var type = Push();
        try
        {
            return type == LuaNative.LUA_TNIL ? null : LuaJson.ToNode(_state, -1, sandbox, $"option '{_name}'");
        }
        finally
        {
            LuaNative.lua_pop(_state, 1);
        }
    }
}
