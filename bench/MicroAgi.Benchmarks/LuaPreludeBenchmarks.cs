using System.Text;
using BenchmarkDotNet.Attributes;
using MicroAgi.Lua.Runtime;

namespace MicroAgi.Benchmarks;

/// <summary>
/// Issue 8 item 3: the table functions the sandbox replaces (<c>table.sort</c>, <c>insert</c>,
/// <c>remove</c>) against native Lua 5.4 — the same library, in a plain state with nothing replaced —
/// on the same input (target: at most 1.5× native). Each invocation runs one Lua workload: it builds
/// its input (the "input only" row is that part alone) and then uses the function on it. A third
/// column runs native Lua with a count hook as frequent as the sandbox's, which shows what the hook
/// alone costs plain Lua code.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class LuaPreludeBenchmarks
{
    private const string Input = """
        local function numbers(n)
          local t, x = {}, 42
          for i = 1, n do x = (x * 1103515245 + 12345) % 2147483648 t[i] = x end
          return t
        end
        local function words(n)
          local t = numbers(n)
          for i = 1, n do t[i] = "w" .. t[i] end
          return t
        end

        """;

    /// <summary>The workloads, by name: the body of a function returning something that proves the work was done.</summary>
    private static readonly Dictionary<string, string> Workloads = new()
    {
        ["input only (10k numbers, 10k strings)"] = "local t = numbers(10000) local w = words(10000) return #t + #w",
        ["sort 1k numbers"] = "local t = numbers(1000) table.sort(t) return t[1]",
        ["sort 10k numbers"] = "local t = numbers(10000) table.sort(t) return t[1]",
        ["sort 100k numbers"] = "local t = numbers(100000) table.sort(t) return t[1]",
        ["sort 10k strings"] = "local t = words(10000) table.sort(t) return #t[1]",
        ["sort 10k numbers, comparator"] = "local t = numbers(10000) table.sort(t, function(a, b) return a > b end) return t[1]",
        ["insert 10k at the end"] = "local t = {} for i = 1, 10000 do table.insert(t, i) end return #t",
        // The same with the function in a local: without the two lookups of `table.insert` through the
        // call's environment and the read-only library view, which the sandbox pays on every iteration above.
        ["insert 10k at the end, local insert"] = "local insert, t = table.insert, {} for i = 1, 10000 do insert(t, i) end return #t",
        ["insert 2k at the front"] = "local t = {} for i = 1, 2000 do table.insert(t, 1, i) end return #t",
        ["remove 10k from the end"] = "local t = numbers(10000) for i = 1, 10000 do table.remove(t) end return #t",
        ["remove 10k from the end, local remove"] = "local remove, t = table.remove, numbers(10000) for i = 1, 10000 do remove(t) end return #t",
        ["remove 2k from the front"] = "local t = numbers(10000) for i = 1, 2000 do table.remove(t, 1) end return #t",
    };

    private LuaRuntime _runtime = null!;
    private LuaRuntime _fallbackRuntime = null!;
    private LuaFunctionSource _source = null!;
    private KeraLua.Lua _native = null!;
    private int _nativeHandler;
    private KeraLua.Lua _hooked = null!;
    private int _hookedHandler;

    /// <summary>A count hook that does nothing, as often as the sandbox's (every 128 instructions).</summary>
    private static readonly KeraLua.LuaHookFunction NoHook = (_, _) => { };

    [ParamsSource(nameof(WorkloadNames))]
    public string Workload { get; set; } = "";

    public static IEnumerable<string> WorkloadNames => Workloads.Keys;

    [GlobalSetup]
    public void Setup()
    {
        var text = $"{Input}local function handler()\n{Workloads[Workload]}\nend\nreturn {{ handler = handler }}";
        _runtime = new LuaRuntime(new LuaRuntimeOptions { Limits = new LuaLimits { Timeout = TimeSpan.FromSeconds(60) } });
        _fallbackRuntime = new LuaRuntime(_runtime.Options with { GuardedTableFunctions = false });
        _source = new LuaFunctionSource(text, "handler", [], "prelude_bench");
        (_native, _nativeHandler) = NativeState(text, hooked: false);
        (_hooked, _hookedHandler) = NativeState(text, hooked: true);
        if (Sandbox() != Native() || SandboxFallback() != Native() || NativeHooked() != Native()) throw new InvalidOperationException($"{Workload}: the sandbox and native Lua disagree");
    }

    private static (KeraLua.Lua State, int Handler) NativeState(string text, bool hooked)
    {
        var lua = new KeraLua.Lua { Encoding = Encoding.UTF8 };
        if (hooked) lua.SetHook(NoHook, KeraLua.LuaHookMask.Count, 128);
        if (lua.LoadString(text, "=prelude_bench") != KeraLua.LuaStatus.OK || lua.PCall(0, 1, 0) != KeraLua.LuaStatus.OK)
            throw new InvalidOperationException(lua.ToString(-1));
        lua.GetField(-1, "handler");
        var handler = lua.Ref(KeraLua.LuaRegistry.Index);
        lua.Pop(1);
        return (lua, handler);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runtime.Dispose();
        _fallbackRuntime.Dispose();
        _native.Dispose();
        _hooked.Dispose();
    }

    [Benchmark(Baseline = true, Description = "native Lua 5.4")]
    public string Native() => Run(_native, _nativeHandler);

    /// <summary>The same, with a count hook that does nothing: what the hook alone costs (Lua 5.4 then traps every instruction).</summary>
    [Benchmark(Description = "native Lua 5.4 + count hook")]
    public string NativeHooked() => Run(_hooked, _hookedHandler);

    private static string Run(KeraLua.Lua lua, int handler)
    {
        lua.RawGetInteger(KeraLua.LuaRegistry.Index, handler);
        if (lua.PCall(0, 1, 0) != KeraLua.LuaStatus.OK) throw new InvalidOperationException(lua.ToString(-1));
        var value = lua.ToString(-1);
        lua.Pop(1);
        return value;
    }

    [Benchmark(Description = "sandbox")]
    public string Sandbox() => Run(_runtime);

    /// <summary>The sandbox with the prelude's Lua table functions, as where the guarded C library was not built.</summary>
    [Benchmark(Description = "sandbox, Lua fallback")]
    public string SandboxFallback() => Run(_fallbackRuntime);

    private string Run(LuaRuntime runtime)
    {
        var result = runtime.RunAsync(_source, null).GetAwaiter().GetResult();
        return result.IsSuccess ? result.ValueJson : throw new InvalidOperationException(result.ToString());
    }
}
