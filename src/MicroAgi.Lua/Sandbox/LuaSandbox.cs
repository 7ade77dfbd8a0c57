using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Lua.Native;

namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// One sandboxed Lua state holding one compiled tool. It is created with the modules the tool may
/// require, loads the source once, and then serves calls one at a time: each call runs the chunk in
/// a fresh global environment, so calls never see each other's globals. A call that reaches a limit
/// poisons the state (<see cref="IsPoisoned"/>); the owner must dispose it.
/// </summary>
internal sealed unsafe class LuaSandbox : IDisposable
{
    /// <summary>Instructions between hook calls while instructions are fast.</summary>
    private const int HookInterval = 128;
    private const int NoReference = -2;
    private const long ShapeArray = 1;
    private const long ShapeObject = 2;
    /// <summary>LUA_LOADED_TABLE: the registry's table of loaded libraries.</summary>
    private const string LoadedTable = "_LOADED";

    /// <summary>The prelude compiled once per process: every new state loads these bytes instead of parsing the source.</summary>
    private static readonly Lazy<byte[]> PreludeChunk = new(CompilePrelude);

    private readonly SandboxControl* _control;
    private GCHandle _handle;
    private int _environmentMetatable = NoReference;
    private int _shapes = NoReference;
    private int _chunk = NoReference;
    private readonly Dictionary<string, int> _named = new(StringComparer.Ordinal);
    private bool _disposed;

    private LuaSandbox(LuaServices services)
    {
        Services = services;
        _control = (SandboxControl*)NativeMemory.AllocZeroed((nuint)sizeof(SandboxControl));
        _control->MemoryLimit = long.MaxValue;
        _control->ErrorHook = LuaLibrary.Functions.Error;
        _control->CountHook = SandboxHook.Pointer;
        _control->HookInterval = HookInterval;
        _control->SlowHookTicks = Stopwatch.Frequency / 1000;
        _control->FastHookTicks = Stopwatch.Frequency / 50_000;
        State = LuaNative.lua_newstate(SandboxAllocator.Pointer, _control);
        if (State == 0)
        {
            NativeMemory.Free(_control);
            throw new OutOfMemoryException("could not create a Lua state");
        }
        *LuaNative.ExtraSpace(State) = (nint)_control;
        // Weak: the handle must not keep an abandoned sandbox alive (its finalizer closes the state).
        _handle = GCHandle.Alloc(this, GCHandleType.Weak);
        _control->Owner = GCHandle.ToIntPtr(_handle);
    }

    ~LuaSandbox() => Release();

    /// <summary>
    /// The main thread. Private on purpose: a host function runs on whichever thread called it (a
    /// coroutine, often), and pushing onto another thread's stack corrupts it. Everything reachable
    /// from a host call takes that thread (<see cref="HostCall.L"/>) as an argument instead.
    /// </summary>
    private nint State { get; }

    public LuaServices Services { get; }

    /// <summary>The call in progress, or null between calls.</summary>
    public SandboxCall? Call { get; private set; }

    /// <summary>True once a call reached a limit: the state may be half-way through anything and must not be reused.</summary>
    public bool IsPoisoned => _control->Fatal != 0;

    /// <summary>Bytes the state holds right now.</summary>
    public long MemoryUsed => _control->MemoryUsed;

    public static LuaSandbox FromControl(SandboxControl* control) => (LuaSandbox)GCHandle.FromIntPtr(control->Owner).Target!;

    /// <summary>A state with the safe libraries and the prelude loaded, allowed to require <paramref name="modules"/>.</summary>
    public static LuaSandbox Create(LuaServices services, IEnumerable<string> modules)
    {
        var sandbox = new LuaSandbox(services);
        try
        {
            sandbox.Initialise(modules);
            return sandbox;
        }
        catch
        {
            sandbox.Dispose();
            throw;
        }
    }

    private void Initialise(IEnumerable<string> modules)
    {
        var L = State;
        var functions = LuaLibrary.Functions;
        // Lua names a C library function that has no name where it was called from (one called through
        // pcall, or as a sort comparator) by finding it in the registry's _LOADED, "table.insert" — as
        // luaL_openlibs leaves it. Only C code reads this table; user code cannot reach the registry.
        LuaStack.PushString(L, LoadedTable);
        LuaNative.lua_createtable(L, 0, 8);
        LuaNative.lua_rawset(L, LuaNative.LUA_REGISTRYINDEX);
        OpenLibrary(functions.OpenBase, "_G");
        OpenLibrary(functions.OpenString, "string");
        OpenLibrary(functions.OpenTable, "table");
        OpenLibrary(functions.OpenMath, "math");
        OpenLibrary(functions.OpenUtf8, "utf8");
        OpenLibrary(functions.OpenCoroutine, "coroutine");
        OpenLibrary(functions.OpenOs, "os");

        if (LuaChunk.Load(L, PreludeChunk.Value, "=[sandbox]", binary: true) != LuaNative.LUA_OK)
            throw new InvalidOperationException("the compiled sandbox prelude does not load: " + LuaStack.Describe(L, -1));
        PushPrimitives();
        LuaNative.lua_createtable(L, 0, 16);
        foreach (var module in modules)
        {
            LuaStack.PushString(L, module);
            LuaNative.lua_pushboolean(L, 1);
            LuaNative.lua_rawset(L, -3);
        }
        if (LuaNative.lua_pcall(L, 2, 1) != LuaNative.LUA_OK)
            throw new InvalidOperationException("the sandbox prelude failed: " + LuaStack.Describe(L, -1));
        _environmentMetatable = LuaNative.luaL_ref(L, LuaNative.LUA_REGISTRYINDEX);

        PushShapesTable(L);
        _shapes = LuaNative.luaL_ref(L, LuaNative.LUA_REGISTRYINDEX);

        LuaNative.lua_sethook(L, SandboxHook.Pointer, LuaNative.LUA_MASKCOUNT, HookInterval);
        LuaNative.lua_settop(L, 0);
    }

    /// <summary>Pushes an empty table for json.array/json.object marks, keyed weakly so marked tables are still collected.</summary>
    private static void PushShapesTable(nint L)
    {
        LuaNative.lua_createtable(L, 0, 0);
        LuaNative.lua_createtable(L, 0, 1);
        LuaStack.PushString(L, "__mode");
        LuaStack.PushString(L, "k");
        LuaNative.lua_rawset(L, -3);
        LuaNative.lua_setmetatable(L, -2);
    }

    /// <summary>
    /// A weak table's entries are cleared when their tables die, but its slots stay allocated until the
    /// next insertion rehashes it: a call that marked 50,000 tables left about 2 MB in the tool's state,
    /// and one that marked as many as its cap allows left the next calls almost no memory. No table
    /// outlives its call (each call runs the chunk afresh), so after a call that marked many the marks
    /// table is simply replaced.
    /// </summary>
    private const int MarksKeptAcrossCalls = 1024;

    private int _marksSinceReplaced;

    private void ReplaceShapesTableIfLarge()
    {
        if (_marksSinceReplaced <= MarksKeptAcrossCalls) return;
        _marksSinceReplaced = 0;
        PushShapesTable(State);
        LuaNative.lua_rawseti(State, LuaNative.LUA_REGISTRYINDEX, _shapes);
    }

    private void OpenLibrary(nint opener, string name)
    {
        var L = State;
        LuaNative.lua_pushcclosure(L, opener, 0);
        LuaStack.PushString(L, name);
        if (LuaNative.lua_pcall(L, 1, 1) != LuaNative.LUA_OK)
            throw new InvalidOperationException($"opening the Lua '{name}' library failed: {LuaStack.Describe(L, -1)}");
        var library = LuaNative.lua_gettop(L);
        LuaNative.lua_rawgeti(L, LuaNative.LUA_REGISTRYINDEX, LuaNative.LUA_RIDX_GLOBALS);
        LuaStack.PushString(L, name);
        LuaNative.lua_pushvalue(L, library);
        LuaNative.lua_rawset(L, -3);
        if (name != "_G")
        {
            LuaStack.PushString(L, LoadedTable);
            LuaNative.lua_rawget(L, LuaNative.LUA_REGISTRYINDEX);
            LuaStack.PushString(L, name);
            LuaNative.lua_pushvalue(L, library);
            LuaNative.lua_rawset(L, -3);
        }
        LuaNative.lua_settop(L, 0);
    }

    private void PushPrimitives()
    {
        var L = State;
        LuaNative.lua_createtable(L, 0, 16);
        foreach (var function in SandboxPrimitives.All.Concat(StringPrimitives.All))
        {
            LuaStack.PushString(L, function.Name);
            HostDispatch.Push(L, function);
            LuaNative.lua_rawset(L, -3);
        }
        if (Services.GuardedTable is { } guarded)
        {
            LuaStack.PushString(L, "table_functions");
            GuardedTable.Push(L, guarded);
            LuaNative.lua_rawset(L, -3);
        }
    }

    private static byte[] CompilePrelude()
    {
        using var stream = typeof(LuaSandbox).Assembly.GetManifestResourceStream("MicroAgi.Lua.Prelude.lua")
            ?? throw new InvalidOperationException("the sandbox prelude resource is missing from the assembly");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        // A bare state (no limits: the control block is never enforcing) that only compiles.
        var control = (SandboxControl*)NativeMemory.AllocZeroed((nuint)sizeof(SandboxControl));
        var L = LuaNative.lua_newstate(SandboxAllocator.Pointer, control);
        try
        {
            if (L == 0) throw new OutOfMemoryException("could not create a Lua state");
            if (LuaChunk.Load(L, memory.GetBuffer().AsSpan(0, (int)memory.Length), "=[sandbox]", binary: false) != LuaNative.LUA_OK)
                throw new InvalidOperationException("the sandbox prelude does not compile: " + LuaStack.Describe(L, -1));
            return LuaChunk.Dump(L);
        }
        finally
        {
            if (L != 0) LuaNative.lua_close(L);
            NativeMemory.Free(control);
        }
    }

    // ------------------------------------------------------------------ loading

    /// <summary>Compiles the tool's source (text only: binary chunks are refused). Returns the Lua error message, or null when it compiled.</summary>
    public string? Load(string source, string chunkName, LuaLimits limits) => Load(LuaStack.Encode(source), chunkName, binary: false, limits);

    /// <summary>Loads a chunk that <see cref="DumpChunk"/> made from source this host compiled — never bytes from anyone else.</summary>
    public string? LoadCompiled(byte[] chunk, string chunkName, LuaLimits limits) => Load(chunk, chunkName, binary: true, limits);

    private string? Load(byte[] chunk, string chunkName, bool binary, LuaLimits limits)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var L = State;
        Begin(limits, CancellationToken.None);
        try
        {
            var status = LuaChunk.Load(L, chunk, "=" + chunkName, binary);
            if (status != LuaNative.LUA_OK)
            {
                if (_control->Fatal == (int)LimitKind.Memory || status == LuaNative.LUA_ERRMEM)
                    return $"not enough memory to {(binary ? "load the compiled" : "compile the")} source (memory limit {limits.MemoryBytes} bytes)";
                return LuaStack.Describe(L, -1);
            }
            _chunk = LuaNative.luaL_ref(L, LuaNative.LUA_REGISTRYINDEX);
            return null;
        }
        finally
        {
            End();
        }
    }

    /// <summary>The loaded tool chunk as bytes, for other states of the same tool to load without compiling.</summary>
    public byte[] DumpChunk()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_chunk == NoReference) throw new InvalidOperationException("no source loaded");
        var L = State;
        LuaNative.lua_rawgeti(L, LuaNative.LUA_REGISTRYINDEX, _chunk);
        try
        {
            return LuaChunk.Dump(L);
        }
        finally
        {
            LuaNative.lua_settop(L, 0);
        }
    }

    // ------------------------------------------------------------------ calls

    /// <summary>
    /// Runs the chunk in a fresh environment and checks that it returns a table exporting
    /// <paramref name="method"/>, without calling it: the compile check of create_tool.
    /// </summary>
    public FunctionResult Check(string method, LuaLimits limits, CancellationToken cancellationToken)
    {
        Begin(limits, cancellationToken);
        try
        {
            var failure = Instantiate(method, limits);
            return failure ?? FunctionResult.Success(null, Call!.Logs);
        }
        finally
        {
            End();
        }
    }

    /// <summary>
    /// Runs <paramref name="method"/> with <paramref name="input"/> (JSON text; empty means nil). The
    /// deadline counts from <paramref name="startedAt"/> (a Stopwatch timestamp; 0 means now).
    /// </summary>
    public FunctionResult Invoke(string method, ReadOnlySpan<byte> input, LuaLimits limits, CancellationToken cancellationToken, long startedAt = 0)
    {
        if (cancellationToken.IsCancellationRequested) return FunctionResult.Failure(FunctionErrorKind.Cancelled, "cancelled before the call started");
        var L = State;
        Begin(limits, cancellationToken, startedAt);
        try
        {
            var failure = Instantiate(method, limits);
            if (failure is not null) return failure;
            var handler = LuaNative.lua_gettop(L);
            _control->HostDepth++;
            try
            {
                if (input.IsEmpty) LuaNative.lua_pushnil(L);
                else LuaJson.PushJson(L, input, this);
            }
            catch (JsonException e)
            {
                return Fail(FunctionErrorKind.InvalidArguments, "invalid arguments: " + Modules.JsonModule.Describe(e));
            }
            finally
            {
                _control->HostDepth--;
            }
            if (_control->MemoryUsed > _control->MemoryLimit)
                return Fail(FunctionErrorKind.MemoryLimit, $"the arguments do not fit in the memory limit ({limits.MemoryBytes} bytes)");
            var status = LuaNative.lua_pcall(L, 1, LuaNative.LUA_MULTRET);
            _control->Enforcing = 0;
            // A limit reached inside a host function may have been reported to Lua as an error the code
            // ignored; the call still failed.
            if (status != LuaNative.LUA_OK || IsPoisoned) return RuntimeFailure(status, limits, "");
            return Results(handler, limits);
        }
        finally
        {
            End();
        }
    }

    /// <summary>Leaves the handler function on the stack, or returns why it could not be obtained.</summary>
    private FunctionResult? Instantiate(string method, LuaLimits limits)
    {
        var L = State;
        if (_chunk == NoReference) throw new InvalidOperationException("no source loaded");
        LuaNative.lua_rawgeti(L, LuaNative.LUA_REGISTRYINDEX, _chunk);
        PushFreshEnvironment();
        LuaNative.lua_setupvalue(L, -2, 1);
        var status = LuaNative.lua_pcall(L, 0, 1);
        if (status != LuaNative.LUA_OK || IsPoisoned) return RuntimeFailure(status, limits, "loading the tool failed: ");
        if (LuaNative.lua_type(L, -1) != LuaNative.LUA_TTABLE)
            return Fail(FunctionErrorKind.LoadError,
                $"the source must end with `return {{ {method} = {method} }}`: it returned {(LuaNative.lua_type(L, -1) == LuaNative.LUA_TNIL ? "nothing" : "a " + LuaStack.TypeName(L, -1))}");
        LuaStack.PushString(L, method);
        if (LuaNative.lua_rawget(L, -2) != LuaNative.LUA_TFUNCTION)
            return Fail(FunctionErrorKind.LoadError,
                $"the table returned by the source has no function '{method}' (it has: {DescribeKeys(-2)}); end the source with `return {{ {method} = {method} }}`");
        return null;
    }

    private void PushFreshEnvironment()
    {
        var L = State;
        LuaNative.lua_createtable(L, 0, 4);
        LuaNative.lua_rawgeti(L, LuaNative.LUA_REGISTRYINDEX, _environmentMetatable);
        LuaNative.lua_setmetatable(L, -2);
        LuaStack.PushString(L, "_G");
        LuaNative.lua_pushvalue(L, -2);
        LuaNative.lua_rawset(L, -3);
    }

    private string DescribeKeys(int index)
    {
        var L = State;
        index = LuaNative.lua_absindex(L, index);
        var keys = new List<string>();
        LuaNative.lua_pushnil(L);
        while (LuaNative.lua_next(L, index) != 0)
        {
            if (keys.Count < 10) keys.Add(LuaStack.Describe(L, -2));
            LuaNative.lua_pop(L, 1);
        }
        return keys.Count == 0 ? "nothing" : string.Join(", ", keys);
    }

    private FunctionResult Results(int handler, LuaLimits limits)
    {
        var L = State;
        var count = LuaNative.lua_gettop(L) - handler + 1;
        var value = handler;
        var error = handler + 1;
        if (count >= 2 && LuaNative.lua_type(L, error) != LuaNative.LUA_TNIL)
        {
            // A non-string second value is more often a slip (`return a, b`) than a deliberate error
            // object: say what the convention is, so the author can tell which one happened.
            var message = ErrorMessage(error);
            if (LuaNative.lua_type(L, error) != LuaNative.LUA_TSTRING)
            {
                message = $"the handler returned a second value ({LuaStack.TypeName(L, error)} {message}), which means failure; "
                    + "return one value to succeed, or nil, \"message\" to fail";
            }
            return Fail(FunctionErrorKind.HandlerError, message);
        }
        if (count == 0) return FunctionResult.Success(null, Call!.Logs);
        try
        {
            return FunctionResult.Success(LuaJson.ToNode(L, value, this, "result", limits.MaxResultBytes), Call!.Logs);
        }
        catch (LuaConversionException e)
        {
            return Fail(FunctionErrorKind.InvalidResult, "the result cannot be converted to JSON: " + e.Message);
        }
        catch (LuaOutputException e)
        {
            return Fail(FunctionErrorKind.InvalidResult, e.Message);
        }
    }

    private FunctionResult RuntimeFailure(int status, LuaLimits limits, string prefix)
    {
        switch ((LimitKind)_control->Fatal)
        {
            case LimitKind.Timeout:
                return Fail(FunctionErrorKind.Timeout, $"timeout: the call ran longer than {limits.Timeout.TotalMilliseconds:0} ms");
            case LimitKind.Memory:
                return Fail(FunctionErrorKind.MemoryLimit, $"memory limit exceeded: the call needed more than {limits.MemoryBytes} bytes");
            case LimitKind.CallDepth:
                return Fail(FunctionErrorKind.CallDepthLimit, $"stack overflow: more than {limits.MaxCallDepth} nested calls");
            case LimitKind.Cancelled:
                return Fail(FunctionErrorKind.Cancelled, "cancelled");
        }
        if (status == LuaNative.LUA_ERRMEM)
            return Fail(FunctionErrorKind.MemoryLimit, $"memory limit exceeded: the call needed more than {limits.MemoryBytes} bytes");
        return Fail(FunctionErrorKind.RuntimeError, prefix + ErrorMessage(-1));
    }

    /// <summary>The text of an error value, read without metamethods (an error object's __tostring is never run).</summary>
    private string ErrorMessage(int index)
    {
        var L = State;
        switch (LuaNative.lua_type(L, index))
        {
            case LuaNative.LUA_TSTRING:
                return ErrorText.FromLua(LuaStack.StringBytes(L, index));
            case LuaNative.LUA_TNUMBER:
            case LuaNative.LUA_TBOOLEAN:
            case LuaNative.LUA_TNIL:
                return LuaStack.Describe(L, index);
            case LuaNative.LUA_TTABLE:
                try
                {
                    return LuaJson.ToNode(L, index, this, "error", 4096)?.ToJsonString(LuaJson.Readable) ?? "nil";
                }
                catch (Exception e) when (e is LuaConversionException or LuaOutputException or JsonException)
                {
                    return "(error object is a table value)";
                }
            default:
                return $"(error object is a {LuaStack.TypeName(L, index)} value)";
        }
    }

    private FunctionResult Fail(FunctionErrorKind kind, string message) => FunctionResult.Failure(kind, message, Call?.Logs);

    private void Begin(LuaLimits limits, CancellationToken cancellationToken, long startedAt = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsPoisoned) throw new InvalidOperationException("this Lua state reached a limit and cannot be used again");
        var now = Stopwatch.GetTimestamp();
        _control->MemoryLimit = limits.MemoryBytes;
        _control->Deadline = (startedAt == 0 ? now : startedAt) + (long)(limits.Timeout.TotalSeconds * Stopwatch.Frequency);
        _control->LastHook = now;
        _control->MaxCallDepth = limits.MaxCallDepth;
        _control->Cancelled = 0;
        _control->RefusedBlock = 0;
        Call = new SandboxCall(limits, cancellationToken, cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((LuaSandbox)state!).SignalCancelled(), this)
            : default);
        LuaNative.lua_sethook(State, SandboxHook.Pointer, LuaNative.LUA_MASKCOUNT, HookInterval);
        _control->Enforcing = 1;
    }

    private void End()
    {
        _control->Enforcing = 0;
        // Dispose waits for a running cancellation callback, so it never writes into a reused state.
        Call?.Registration.Dispose();
        Call = null;
        if (IsPoisoned) return;
        LuaNative.lua_settop(State, 0);
        ReplaceShapesTableIfLarge();
    }

    private void SignalCancelled() => Volatile.Write(ref _control->Cancelled, 1);

    /// <summary>Seconds left before the running call's deadline (never negative).</summary>
    public TimeSpan Remaining
    {
        get
        {
            var ticks = _control->Deadline - Stopwatch.GetTimestamp();
            return ticks <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency);
        }
    }

    /// <summary>Bytes the running call may still allocate before its memory cap (unbounded between calls).</summary>
    public long MemoryRoom => _control->Enforcing == 0 ? long.MaxValue : Math.Max(0, _control->MemoryLimit - _control->MemoryUsed);

    /// <summary>
    /// Trips the memory limit when <paramref name="bytes"/> more would not fit under the cap.
    /// <paramref name="L"/> is the running thread: the collector treats it as the one in use.
    /// </summary>
    public void EnsureRoom(nint L, long bytes)
    {
        if (_control->Enforcing == 0) return;
        if (_control->MemoryUsed + bytes <= _control->MemoryLimit) return;
        // Garbage may be what fills the cap, as it would be for an allocation by Lua itself.
        LuaNative.lua_gc(L, LuaNative.LUA_GCCOLLECT, 0);
        if (_control->MemoryUsed + bytes <= _control->MemoryLimit) return;
        _control->Trip(LimitKind.Memory);
        throw new LuaLimitException(LimitKind.Memory, "not enough memory");
    }

    /// <summary>
    /// Throws <see cref="LuaLimitException"/> once the running call is past its deadline or cancelled:
    /// what the count hook does for Lua code, for host code that loops.
    /// </summary>
    public void CheckDeadline()
    {
        if (_control->Enforcing != 0) PatternMatcher.CheckDeadline(_control);
    }

    /// <summary>True when the running call already reached a limit.</summary>
    public bool LimitReached => _control->Fatal != 0;

    /// <summary>Marks the table at <paramref name="index"/> of thread <paramref name="L"/> for json.array/json.object.</summary>
    public void MarkShape(nint L, int index, TableShape shape)
    {
        _marksSinceReplaced++;
        index = LuaNative.lua_absindex(L, index);
        LuaNative.lua_rawgeti(L, LuaNative.LUA_REGISTRYINDEX, _shapes);
        LuaNative.lua_pushvalue(L, index);
        LuaNative.lua_pushinteger(L, shape == TableShape.Array ? ShapeArray : ShapeObject);
        LuaNative.lua_rawset(L, -3);
        LuaNative.lua_pop(L, 1);
    }

    public TableShape ShapeOf(nint L, int index)
    {
        index = LuaNative.lua_absindex(L, index);
        LuaNative.lua_rawgeti(L, LuaNative.LUA_REGISTRYINDEX, _shapes);
        LuaNative.lua_pushvalue(L, index);
        LuaNative.lua_rawget(L, -2);
        var mark = LuaNative.lua_tointegerx(L, -1, null);
        LuaNative.lua_pop(L, 2);
        return mark switch
        {
            ShapeArray => TableShape.Array,
            ShapeObject => TableShape.Object,
            _ => TableShape.Unmarked,
        };
    }

    /// <summary>
    /// Pushes onto thread <paramref name="L"/> a per-state value built once by <paramref name="build"/>
    /// (which must push exactly one value onto the thread it is given) — for example the metatable of
    /// the objects a module returns.
    /// </summary>
    public void PushShared(nint L, string key, Action<nint> build)
    {
        if (!_named.TryGetValue(key, out var reference))
        {
            build(L);
            reference = LuaNative.luaL_ref(L, LuaNative.LUA_REGISTRYINDEX);
            _named[key] = reference;
        }
        LuaNative.lua_rawgeti(L, LuaNative.LUA_REGISTRYINDEX, reference);
    }

    /// <summary>Runs a full garbage collection (used before measuring idle memory and when a pooled state grew).</summary>
    public void Collect() => LuaNative.lua_gc(State, LuaNative.LUA_GCCOLLECT, 0);

    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        if (_disposed) return;
        _disposed = true;
        LuaNative.lua_close(State);
        NativeMemory.Free(_control);
        if (_handle.IsAllocated) _handle.Free();
    }
}

/// <summary>What the sandbox knows about the call in progress.</summary>
internal sealed class SandboxCall(LuaLimits limits, CancellationToken cancellationToken, CancellationTokenRegistration registration)
{
    private readonly StringBuilder _logs = new();
    private bool _logsTruncated;

    public LuaLimits Limits { get; } = limits;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public CancellationTokenRegistration Registration { get; } = registration;

    public string Logs => _logs.ToString();

    public void AppendLog(string line)
    {
        if (_logsTruncated) return;
        if (_logs.Length + line.Length + 1 > Limits.MaxLogBytes)
        {
            _logs.Append("... (log truncated)\n");
            _logsTruncated = true;
            return;
        }
        _logs.Append(line).Append('\n');
    }
}
