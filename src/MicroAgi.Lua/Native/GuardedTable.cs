using System.Runtime.InteropServices;
using System.Text;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Native;

/// <summary>
/// The guarded table functions: <c>table.insert</c>, <c>remove</c>, <c>move</c> and <c>sort</c> in C
/// (<c>guarded_table.c</c>, built next to this assembly as <c>libmicroagi_table.so</c> when the build
/// machine has a C compiler). They keep Lua 5.4's semantics and messages, run at C Lua's speed, and
/// stop at the sandbox's limits: every loop asks <see cref="SandboxHook"/> every 1024 steps, and the
/// sort cannot be made quadratic. When the library is missing or does not initialise, the sandbox
/// keeps the prelude's Lua implementations (correct, slower); <see cref="Unavailable"/> says why.
/// docs/lua-sandbox.md explains what they check.
/// </summary>
internal static unsafe class GuardedTable
{
    private const string LibraryName = "microagi_table";

    private static readonly Lazy<Exports?> Lazy = new(Load);

    /// <summary>The C functions, or null when the library cannot be used (see <see cref="Unavailable"/>).</summary>
    public static Exports? Functions => Lazy.Value;

    /// <summary>Why <see cref="Functions"/> is null; null when the library is in use.</summary>
    public static string? Unavailable { get; private set; }

    private static Exports? Load()
    {
        if (!NativeLibrary.TryLoad(LibraryName, typeof(GuardedTable).Assembly, DllImportSearchPath.AssemblyDirectory, out var handle))
        {
            Unavailable = $"lib{LibraryName}.so is not next to {typeof(GuardedTable).Assembly.GetName().Name}.dll (it is built only where a C compiler was found)";
            return null;
        }
        var init = (delegate* unmanaged<delegate* unmanaged<byte*, nint>, nint, nuint, byte*>)NativeLibrary.GetExport(handle, "microagi_table_init");
        var problem = init(&Resolve, SandboxHook.GuardedLoopProbe, (nuint)Marshal.OffsetOf<SandboxControl>(nameof(SandboxControl.GuardedSteps)));
        if (problem != null)
        {
            Unavailable = $"lib{LibraryName}.so did not initialise: {Marshal.PtrToStringUTF8((nint)problem)}";
            return null;
        }
        nint Get(string name) => NativeLibrary.GetExport(handle, name);
        return new Exports(
            Insert: Get("microagi_table_insert"),
            Remove: Get("microagi_table_remove"),
            Move: Get("microagi_table_move"),
            Sort: Get("microagi_table_sort"));
    }

    /// <summary>Gives the C library the Lua API functions of the very <c>lua54</c> this process loaded.</summary>
    [UnmanagedCallersOnly]
    private static nint Resolve(byte* name) => LuaLibrary.Export(Encoding.ASCII.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name)));

    /// <summary>Pushes onto <paramref name="L"/> a table of the C functions by their Lua names.</summary>
    public static void Push(nint L, Exports functions)
    {
        LuaNative.lua_createtable(L, 0, 4);
        foreach (var (name, function) in new[] { ("insert", functions.Insert), ("remove", functions.Remove), ("move", functions.Move), ("sort", functions.Sort) })
        {
            LuaStack.PushString(L, name);
            LuaNative.lua_pushcclosure(L, function, 0);
            LuaNative.lua_rawset(L, -3);
        }
    }

    internal sealed record Exports(nint Insert, nint Remove, nint Move, nint Sort);
}
