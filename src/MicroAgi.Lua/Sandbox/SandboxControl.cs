using System.Runtime.InteropServices;
using MicroAgi.Lua.Native;

namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// The per-state block that the allocator and the count hook read. It lives in native memory so the
/// allocator (which Lua calls with only this pointer) and the hook (which reaches it through the
/// thread's extra space) can enforce limits without touching managed objects.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SandboxControl
{
    /// <summary>Bytes currently allocated by the state.</summary>
    public long MemoryUsed;
    /// <summary>The cap enforced while <see cref="Enforcing"/> is set.</summary>
    public long MemoryLimit;
    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp after which the running call has timed out.</summary>
    public long Deadline;
    /// <summary>Timestamp of the previous hook call, used to adapt how often the hook runs.</summary>
    public long LastHook;
    /// <summary>Elapsed ticks between hook calls above which instructions are "slow" (hook every instruction).</summary>
    public long SlowHookTicks;
    /// <summary>Elapsed ticks between hook calls below which instructions are "fast" again.</summary>
    public long FastHookTicks;
    /// <summary>The last growth refused for the memory cap (pointer and size), to recognise Lua's retry.</summary>
    public nint RefusedBlock;
    public nuint RefusedSize;
    /// <summary>GCHandle of the owning <see cref="LuaSandbox"/>, for host callbacks.</summary>
    public nint Owner;
    /// <summary>Address of <c>lua_error</c>, installed as the hook once a limit is reached.</summary>
    public nint ErrorHook;
    /// <summary>Address of <see cref="SandboxHook.OnCount"/>.</summary>
    public nint CountHook;
    /// <summary>Instructions between hook calls when instructions are fast.</summary>
    public int HookInterval;
    /// <summary>Call frames a coroutine may have before the call fails (0 = no check).</summary>
    public int MaxCallDepth;
    /// <summary>1 while user code runs: limits apply only then.</summary>
    public int Enforcing;
    /// <summary>Greater than 0 while host code pushes values into the state: the cap is off so a push never fails.</summary>
    public int HostDepth;
    /// <summary>The <see cref="LimitKind"/> that stopped the running call, or 0.</summary>
    public int Fatal;
    /// <summary>Set to 1 by another thread when the caller's CancellationToken fires.</summary>
    public int Cancelled;
    /// <summary>Loop steps the guarded table functions (<see cref="GuardedTable"/>) made since they last asked <see cref="SandboxHook"/> whether to stop.</summary>
    public int GuardedSteps;

    public static unsafe SandboxControl* Of(nint L) => (SandboxControl*)*LuaNative.ExtraSpace(L);

    /// <summary>Records the first limit reached; later ones do not overwrite the reason.</summary>
    public void Trip(LimitKind kind)
    {
        if (Fatal == 0) Fatal = (int)kind;
    }
}
