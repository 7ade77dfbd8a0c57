namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// What one host function may spend of its call's limits. The count hook cannot interrupt C# code, so
/// a host function that loops over user-controlled sizes reports its steps here (the deadline and
/// cancellation are checked every few thousand), and one that builds values reports their bytes
/// (counted against the memory cap as if they already lived in Lua, so managed data can never grow
/// far past what the call may hold).
/// </summary>
/// <remarks>
/// Outside a call (converting its result) nothing is checked: those conversions have their own size bound.
/// <c>L</c> is the thread the host function runs on (a collection to make room runs there).
/// </remarks>
internal sealed class HostBudget(LuaSandbox sandbox, nint L)
{
    private const int StepsPerClockCheck = 4096;
    private const long BytesPerMemoryCheck = 64 * 1024;

    /// <summary>What a value costs in Lua at least (a table slot), besides its text.</summary>
    private const long SlotBytes = 16;

    private int _steps;
    private long _allocated;
    private long _allocatedAtLastCheck;
    private long _pushedSinceCheck;

    /// <summary>One unit of work (a match, a value, an operator): cheap, and bounded by itself.</summary>
    public void Step()
    {
        if (++_steps < StepsPerClockCheck) return;
        _steps = 0;
        sandbox.CheckDeadline();
    }

    /// <summary>Checks the deadline now: after a step that may itself take long (comparing two large values).</summary>
    public void CheckDeadline() => sandbox.CheckDeadline();

    /// <summary>
    /// Reports <paramref name="bytes"/> more of built data. The total is what counts: data the function
    /// builds and drops again still cost the time to build it, and its total is easy to bound.
    /// </summary>
    public void Allocate(long bytes)
    {
        _allocated += bytes;
        Step();
        if (_allocated - _allocatedAtLastCheck < BytesPerMemoryCheck) return;
        _allocatedAtLastCheck = _allocated;
        sandbox.CheckDeadline();
        sandbox.EnsureRoom(L, _allocated);
    }

    /// <summary>
    /// Reports one value the host pushed into a Lua table, with <paramref name="textBytes"/> of text.
    /// Lua's allocator already counts it, but the cap is not enforced while the host pushes, so the
    /// state is checked against the cap whenever another 64 KiB has been pushed.
    /// </summary>
    public void PushedValue(long textBytes)
    {
        _pushedSinceCheck += SlotBytes + textBytes;
        Step();
        if (_pushedSinceCheck < BytesPerMemoryCheck) return;
        _pushedSinceCheck = 0;
        sandbox.EnsureRoom(L, 0);
    }
}
