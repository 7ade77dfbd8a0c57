using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// The <c>lua_Alloc</c> of every sandboxed state. It counts every byte, refuses growth past the memory
/// cap, and refuses large growth once the deadline has passed — so instructions that spend their time
/// copying big strings or tables stop at their next large allocation even between hook calls.
/// A refused allocation makes Lua raise "not enough memory" from C code; nothing here ever raises.
/// </summary>
internal static unsafe class SandboxAllocator
{
    /// <summary>Growth from this size up also checks the clock (cheap relative to copying that much).</summary>
    private const long ClockedGrowth = 16 * 1024;

    public static nint Pointer => (nint)(delegate* unmanaged<void*, void*, nuint, nuint, void*>)&Allocate;

    [UnmanagedCallersOnly]
    private static void* Allocate(void* userData, void* block, nuint oldSize, nuint newSize)
    {
        var control = (SandboxControl*)userData;
        if (newSize == 0)
        {
            if (block != null)
            {
                NativeMemory.Free(block);
                control->MemoryUsed -= (long)oldSize;
            }
            return null;
        }
        // When block is NULL, oldSize is a type tag, not a size.
        var growth = (long)newSize - (block == null ? 0 : (long)oldSize);
        if (growth > 0 && control->Enforcing != 0 && control->HostDepth == 0 && !Admit(control, block, newSize, growth))
            return null;
        var result = NativeMemory.Realloc(block, newSize);
        if (result == null) return null;
        control->MemoryUsed += growth;
        // Only the retry of the refused request settles it; host pushes (cap off) do not.
        if (control->RefusedBlock == (nint)block + 1 && control->RefusedSize == newSize) control->RefusedBlock = 0;
        return result;
    }

    private static bool Admit(SandboxControl* control, void* block, nuint newSize, long growth)
    {
        if (control->Fatal != 0) return false;
        var retry = control->RefusedBlock == (nint)block + 1 && control->RefusedSize == newSize;
        if (control->RefusedBlock != 0 && !retry)
        {
            // A refusal that was not retried was final: lauxlib's string buffers (table.concat,
            // string.format…) call the allocator directly and raise a catchable "not enough memory".
            // The limit must beat pcall there too.
            control->Trip(LimitKind.Memory);
            return false;
        }
        if (control->MemoryUsed + growth > control->MemoryLimit)
        {
            // Lua answers a refused allocation with an emergency collection and one retry of the same
            // request. Refusing that retry too means the live data really exceeds the cap.
            if (retry) control->Trip(LimitKind.Memory);
            control->RefusedBlock = (nint)block + 1;
            control->RefusedSize = newSize;
            return false;
        }
        if (growth >= ClockedGrowth && Stopwatch.GetTimestamp() >= control->Deadline)
        {
            control->Trip(LimitKind.Timeout);
            return false;
        }
        return true;
    }
}
