using System.Runtime.InteropServices;

namespace MicroAgi.Lua.Native;

/// <summary>
/// Addresses of C functions inside <c>lua54</c> that Lua itself must call: the standard library
/// openers, and <c>lua_error</c>, which the sandbox installs as the hook that stops a call that ran
/// out of time (see docs/lua-sandbox.md). Resolved once; they never change while the process runs.
/// </summary>
internal static class LuaLibrary
{
    private static readonly Lazy<Exports> Lazy = new(Load);

    public static Exports Functions => Lazy.Value;

    private static readonly Lazy<nint> LazyHandle = new(() =>
        NativeLibrary.Load("lua54", typeof(LuaLibrary).Assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories));

    /// <summary>The address of the exported function <paramref name="name"/>, or 0 when there is none.</summary>
    public static nint Export(string name) => NativeLibrary.TryGetExport(LazyHandle.Value, name, out var address) ? address : 0;

    private static Exports Load()
    {
        var handle = LazyHandle.Value;
        nint Get(string name) => NativeLibrary.GetExport(handle, name);
        return new Exports(
            OpenBase: Get("luaopen_base"),
            OpenString: Get("luaopen_string"),
            OpenTable: Get("luaopen_table"),
            OpenMath: Get("luaopen_math"),
            OpenUtf8: Get("luaopen_utf8"),
            OpenCoroutine: Get("luaopen_coroutine"),
            OpenOs: Get("luaopen_os"),
            Error: Get("lua_error"));
    }

    internal sealed record Exports(
        nint OpenBase, nint OpenString, nint OpenTable, nint OpenMath, nint OpenUtf8, nint OpenCoroutine, nint OpenOs,
        nint Error);
}
