using System.Diagnostics;
using System.Runtime.InteropServices;
using MicroAgi.Lua.Native;

namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// The count hook of every sandboxed thread. It never raises an error itself (that would longjmp over
/// this managed frame). When a limit is reached it records why and replaces the thread's hook with
/// Lua's own <c>lua_error</c>, called before every further instruction: from then on each VM
/// instruction of that thread raises, in C, so no Lua code — not a pcall loop, not an error handler,
/// not a metamethod — runs again. docs/lua-sandbox.md explains why this holds.
/// </summary>
internal static unsafe class SandboxHook
{
    /// <summary>Room for a <c>lua_Debug</c> (about 140 bytes in Lua 5.4).</summary>
    private const int DebugInfoSize = 256;

    public static nint Pointer => (nint)(delegate* unmanaged<nint, nint, void>)&OnCount;

    [UnmanagedCallersOnly]
    private static void OnCount(nint L, nint debugInfo)
    {
        var control = SandboxControl.Of(L);
        if (control->Enforcing == 0) return;
        var now = Stopwatch.GetTimestamp();
        if (StopIfLimitReached(L, control, now, checkDepth: true)) return;
        AdaptInterval(L, control, now);
    }

    /// <summary>Address of <see cref="OnGuardedLoop"/>, the limit probe of the guarded table functions.</summary>
    public static nint GuardedLoopProbe => (nint)(delegate* unmanaged<nint, int>)&OnGuardedLoop;

    /// <summary>
    /// Asked by the guarded table functions (C code, see <see cref="GuardedTable"/>) every so many steps
    /// of their loops, which run no VM instruction and so never meet the hook. Returns 1 when the call
    /// must stop; the C function then raises, in C, and this thread's hook already raises on every
    /// further instruction. The call depth is the hook's business: these loops add no Lua frames.
    /// </summary>
    [UnmanagedCallersOnly]
    private static int OnGuardedLoop(nint L)
    {
        var control = SandboxControl.Of(L);
        if (control->Enforcing == 0) return 0;
        return StopIfLimitReached(L, control, Stopwatch.GetTimestamp(), checkDepth: false) ? 1 : 0;
    }

    private static bool StopIfLimitReached(nint L, SandboxControl* control, long now, bool checkDepth)
    {
        if (control->Fatal == 0)
        {
            // A refused allocation still pending here was never retried (see SandboxAllocator): its
            // "not enough memory" may have been caught, but the call is over its memory limit.
            if (control->RefusedBlock != 0) control->Trip(LimitKind.Memory);
            else if (now >= control->Deadline) control->Trip(LimitKind.Timeout);
            else if (Volatile.Read(ref control->Cancelled) != 0) control->Trip(LimitKind.Cancelled);
            else if (checkDepth && control->MaxCallDepth > 0 && ExceedsDepth(L, control->MaxCallDepth)) control->Trip(LimitKind.CallDepth);
        }
        if (control->Fatal == 0) return false;
        LuaNative.lua_sethook(L, control->ErrorHook, LuaNative.LUA_MASKCOUNT, 1);
        return true;
    }

    /// <summary>
    /// Some single instructions are slow (comparing two huge strings, a C function scanning megabytes).
    /// When the last interval took long, check before every instruction until they are fast again,
    /// so the deadline is overrun by at most one instruction rather than a whole interval of them.
    /// </summary>
    private static void AdaptInterval(nint L, SandboxControl* control, long now)
    {
        var elapsed = now - control->LastHook;
        control->LastHook = now;
        var count = LuaNative.lua_gethookcount(L);
        if (count > 1 && elapsed > control->SlowHookTicks)
            LuaNative.lua_sethook(L, control->CountHook, LuaNative.LUA_MASKCOUNT, 1);
        else if (count == 1 && elapsed < control->FastHookTicks)
            LuaNative.lua_sethook(L, control->CountHook, LuaNative.LUA_MASKCOUNT, control->HookInterval);
    }

    private static bool ExceedsDepth(nint L, int maxDepth)
    {
        var debugInfo = stackalloc byte[DebugInfoSize];
        return LuaNative.lua_getstack(L, maxDepth, debugInfo) != 0;
    }
}
