using System.Collections.Frozen;
using MicroAgi.Lua.Native;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary>The catalogue of modules a tool may list in <c>data.modules</c> and <c>require</c>.</summary>
internal static class HostModules
{
    public static FrozenDictionary<string, HostModule> All { get; } = new HostModule[]
    {
        TimeModule.Module,
        JsonModule.Module,
        HttpClientModule.Module,
        ExprModule.Module,
        TextModule.Module,
        Base64Module.Module,
        YamlModule.Module,
        CryptoModule.Module,
        HashModule.Module,
        UuidModule.Module,
        UrlModule.Module,
    }.ToFrozenDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>Pushes a new table holding the module's functions and constants.</summary>
    public static void Push(nint L, HostModule module)
    {
        LuaNative.lua_createtable(L, 0, module.Functions.Count + module.Constants.Count);
        foreach (var (member, function) in module.Functions)
        {
            LuaStack.PushString(L, member);
            HostDispatch.Push(L, function);
            LuaNative.lua_rawset(L, -3);
        }
        foreach (var (name, value) in module.Constants)
        {
            LuaStack.PushString(L, name);
            switch (value)
            {
                case string text: LuaStack.PushString(L, text); break;
                case long integer: LuaNative.lua_pushinteger(L, integer); break;
                case int integer: LuaNative.lua_pushinteger(L, integer); break;
                case double number: LuaNative.lua_pushnumber(L, number); break;
                case bool flag: LuaNative.lua_pushboolean(L, flag ? 1 : 0); break;
                case LuaNull: unsafe { LuaNative.lua_pushlightuserdata(L, null); } break;
                default: throw new InvalidOperationException($"module constant {module.Name}.{name} has unsupported type {value.GetType()}");
            }
            LuaNative.lua_rawset(L, -3);
        }
    }
}

/// <summary>A module constant that is Lua's light-userdata NULL: <c>json.null</c>.</summary>
internal sealed class LuaNull
{
    public static LuaNull Value { get; } = new();
}
