using System.Runtime.InteropServices;

namespace MicroAgi.Lua.Native;

/// <summary>
/// The slice of the Lua 5.4 C API the sandbox uses, bound directly to the <c>lua54</c> library that
/// the KeraLua package ships. We bind it ourselves instead of using KeraLua's managed wrapper because
/// the sandbox needs raw pointers (zero-copy strings), function pointers instead of delegates, and no
/// API that could call a metamethod or raise an error outside a protected call.
/// </summary>
/// <remarks>
/// Rules for every caller: never call anything here that can raise a Lua error from inside a C#
/// callback (it would longjmp over managed frames); read user values only with the raw functions.
/// </remarks>
internal static unsafe partial class LuaNative
{
    private const string Library = "lua54";

    public const int LUA_OK = 0;
    public const int LUA_ERRMEM = 4;

    public const int LUA_TNONE = -1;
    public const int LUA_TNIL = 0;
    public const int LUA_TBOOLEAN = 1;
    public const int LUA_TLIGHTUSERDATA = 2;
    public const int LUA_TNUMBER = 3;
    public const int LUA_TSTRING = 4;
    public const int LUA_TTABLE = 5;
    public const int LUA_TFUNCTION = 6;
    public const int LUA_TUSERDATA = 7;
    public const int LUA_TTHREAD = 8;

    public const int LUA_MULTRET = -1;
    public const int LUAI_MAXSTACK = 1_000_000;
    public const int LUA_REGISTRYINDEX = -LUAI_MAXSTACK - 1000;
    public const int LUA_RIDX_GLOBALS = 2;
    public const int LUA_MASKCOUNT = 1 << 3;

    public const int LUA_GCCOLLECT = 2;

    /// <summary>The pseudo-index of upvalue <paramref name="i"/> of the running C function.</summary>
    public static int UpvalueIndex(int i) => LUA_REGISTRYINDEX - i;

    [LibraryImport(Library)] public static partial nint lua_newstate(nint allocator, void* userData);
    [LibraryImport(Library)] public static partial void lua_close(nint L);

    [LibraryImport(Library)] public static partial int lua_gettop(nint L);
    [LibraryImport(Library)] public static partial void lua_settop(nint L, int index);
    [LibraryImport(Library)] public static partial void lua_pushvalue(nint L, int index);
    [LibraryImport(Library)] public static partial int lua_absindex(nint L, int index);
    [LibraryImport(Library)] public static partial int lua_checkstack(nint L, int n);

    [LibraryImport(Library)] public static partial int lua_type(nint L, int index);
    [LibraryImport(Library)] public static partial int lua_isinteger(nint L, int index);
    [LibraryImport(Library)] public static partial double lua_tonumberx(nint L, int index, int* isNumber);
    [LibraryImport(Library)] public static partial long lua_tointegerx(nint L, int index, int* isNumber);
    [LibraryImport(Library)] public static partial int lua_toboolean(nint L, int index);
    [LibraryImport(Library)] public static partial byte* lua_tolstring(nint L, int index, nuint* length);
    [LibraryImport(Library)] public static partial nuint lua_rawlen(nint L, int index);
    [LibraryImport(Library)] public static partial void* lua_touserdata(nint L, int index);

    [LibraryImport(Library)] public static partial void lua_pushnil(nint L);
    [LibraryImport(Library)] public static partial void lua_pushnumber(nint L, double n);
    [LibraryImport(Library)] public static partial void lua_pushinteger(nint L, long n);
    [LibraryImport(Library)] public static partial byte* lua_pushlstring(nint L, byte* s, nuint length);
    [LibraryImport(Library)] public static partial void lua_pushcclosure(nint L, nint function, int upvalues);
    [LibraryImport(Library)] public static partial void lua_pushboolean(nint L, int b);
    [LibraryImport(Library)] public static partial void lua_pushlightuserdata(nint L, void* p);

    [LibraryImport(Library)] public static partial int lua_rawget(nint L, int index);
    [LibraryImport(Library)] public static partial int lua_rawgeti(nint L, int index, long n);
    [LibraryImport(Library)] public static partial void lua_createtable(nint L, int arraySize, int hashSize);
    [LibraryImport(Library)] public static partial void lua_rawset(nint L, int index);
    [LibraryImport(Library)] public static partial void lua_rawseti(nint L, int index, long n);
    [LibraryImport(Library)] public static partial int lua_setmetatable(nint L, int index);
    [LibraryImport(Library)] public static partial int lua_next(nint L, int index);

    [LibraryImport(Library)] public static partial int lua_pcallk(nint L, int nargs, int nresults, int messageHandler, nint context, nint continuation);
    [LibraryImport(Library)] public static partial int luaL_loadbufferx(nint L, byte* buffer, nuint size, byte* name, byte* mode);
    [LibraryImport(Library)] public static partial byte* lua_setupvalue(nint L, int funcIndex, int n);
    [LibraryImport(Library)] public static partial int lua_dump(nint L, nint writer, void* data, int strip);

    [LibraryImport(Library)] public static partial void lua_sethook(nint L, nint hook, int mask, int count);
    [LibraryImport(Library)] public static partial int lua_gethookcount(nint L);
    [LibraryImport(Library)] public static partial int lua_getstack(nint L, int level, void* debugInfo);
    [LibraryImport(Library)] public static partial int lua_gc(nint L, int what, int arg);

    [LibraryImport(Library)] public static partial int luaL_ref(nint L, int table);

    public static int lua_pcall(nint L, int nargs, int nresults) => lua_pcallk(L, nargs, nresults, 0, 0, 0);

    public static void lua_pop(nint L, int n) => lua_settop(L, -n - 1);

    /// <summary>
    /// <c>lua_getextraspace</c>: the pointer-sized block Lua reserves just before every thread. Lua
    /// copies the main thread's block into each new coroutine, so a pointer stored here reaches the
    /// sandbox's control block from any thread of the state.
    /// </summary>
    public static nint* ExtraSpace(nint L) => (nint*)(L - sizeof(nint));
}
