using System.Text;

namespace MicroAgi.Lua.Tests;

/// <summary>
/// Real Lua 5.4 — the same native library the sandbox runs on — in a plain state with the standard
/// libraries and nothing replaced: the reference the sandbox's behaviour is compared with.
/// </summary>
internal static class NativeLua
{
    /// <summary>Loads <paramref name="source"/> as chunk <paramref name="name"/>, and calls its exported <c>handler</c> with no arguments; returns its first result as text.</summary>
    public static string CallHandler(string source, string name)
    {
        using var lua = new KeraLua.Lua();
        lua.Encoding = Encoding.UTF8;
        if (lua.LoadString(source, "=" + name) != KeraLua.LuaStatus.OK || lua.PCall(0, 1, 0) != KeraLua.LuaStatus.OK)
            throw new InvalidOperationException("native Lua: " + lua.ToString(-1));
        lua.GetField(-1, "handler");
        if (lua.PCall(0, 1, 0) != KeraLua.LuaStatus.OK) throw new InvalidOperationException("native Lua: " + lua.ToString(-1));
        return lua.ToString(-1);
    }
}
