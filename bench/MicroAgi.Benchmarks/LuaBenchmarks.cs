using System.Globalization;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Registry;

namespace MicroAgi.Benchmarks;

/// <summary>
/// Issue 3's figures: a trivial generated tool called through funcs.call with a small JSON argument
/// and result (target &lt; 20 µs median), creating the entry and making it callable (&lt; 5 ms), and
/// the memory one cached idle tool holds (the "Lua heap / idle tool" column).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(LuaBenchmarkConfig))]
public class LuaBenchmarks
{
    private static readonly EntryId TrivialId = new("app.generated", "greet");

    private LuaRuntime _runtime = null!;
    private EntryRegistry _registry = null!;
    private FunctionCaller _caller = null!;
    private JsonObject _arguments = null!;
    private int _counter;

    [GlobalSetup]
    public void Setup()
    {
        _runtime = new LuaRuntime();
        _registry = EntryRegistry.CreateInMemory([LuaToolFixture.Greet(TrivialId, "hello")]);
        _caller = new FunctionCaller(_registry, _runtime);
        _arguments = new JsonObject { ["name"] = "ada" };
        var warm = _caller.CallAsync(TrivialId, _arguments).GetAwaiter().GetResult();
        if (!warm.IsSuccess) throw new InvalidOperationException(warm.ToString());
    }

    [GlobalCleanup]
    public void Cleanup() => _runtime.Dispose();

    [Benchmark(Description = "funcs.call: trivial tool, small JSON in/out")]
    public FunctionResult CallTrivialTool() => _caller.CallAsync(TrivialId, _arguments).GetAwaiter().GetResult();

    [Benchmark(Description = "LuaRuntime.RunAsync: same tool, no registry")]
    public FunctionResult RunTrivialSource() => _runtime.RunAsync(LuaToolFixture.GreetSource, _arguments).GetAwaiter().GetResult();

    /// <summary>
    /// What create_tool does before the tool answers: compile check, write the entry, first call.
    /// Each invocation is a new tool (new source), so nothing is cached.
    /// </summary>
    [Benchmark(Description = "create entry + compile check + first call (new tool)")]
    public FunctionResult CreateAndCallNewTool()
    {
        var n = _counter++;
        var id = new EntryId("app.generated", string.Create(CultureInfo.InvariantCulture, $"tool_{n}"));
        var entry = LuaToolFixture.Greet(id, string.Create(CultureInfo.InvariantCulture, $"hello #{n}"));
        var check = _runtime.Check(new LuaFunctionSource(entry.DataString("source")!, "handler", [], id.Name));
        if (!check.IsValid) throw new InvalidOperationException(check.Error);
        _registry.ApplyAsync(new ChangeSet().Create(entry)).GetAwaiter().GetResult();
        return _caller.CallAsync(id, _arguments).GetAwaiter().GetResult();
    }
}

internal static class LuaToolFixture
{
    public static readonly LuaFunctionSource GreetSource = new(Source("hello"), "handler", [], "greet");

    private static string Source(string greeting) => $$"""
        local function handler(input)
          return { message = "{{greeting}}, " .. input.name, length = #input.name }
        end
        return { handler = handler }
        """;

    public static Entry Greet(EntryId id, string greeting) => Entry.Create(id, FunctionKinds.Lua,
        new JsonObject
        {
            ["type"] = "tool",
            ["input_schema"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["name"] = new JsonObject { ["type"] = "string" } },
                ["required"] = new JsonArray("name"),
            },
        },
        new JsonObject { ["source"] = Source(greeting), ["method"] = "handler", ["modules"] = new JsonArray() });
}

internal sealed class LuaBenchmarkConfig : ManualConfig
{
    public LuaBenchmarkConfig() => AddColumn(new IdleToolMemoryColumn());
}

/// <summary>
/// The Lua heap held by one cached, idle tool: a state with the libraries, the sandbox prelude and
/// the compiled tool, after one call and a full collection. Measured in the host process (it is a
/// byte count, not a timing).
/// </summary>
internal sealed class IdleToolMemoryColumn : IColumn
{
    private static readonly Lazy<string> Measured = new(() =>
        MicroAgi.Lua.Runtime.LuaRuntimeDiagnostics.IdleToolHeapBytes(LuaToolFixture.GreetSource, new JsonObject { ["name"] = "ada" })
            .ToString("N0", CultureInfo.InvariantCulture) + " B");

    public string Id => nameof(IdleToolMemoryColumn);
    public string ColumnName => "Lua heap / idle tool";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => false;
    public UnitType UnitType => UnitType.Size;
    public string Legend => "Bytes of Lua heap one cached idle tool keeps (state + libraries + prelude + compiled tool, after a call and a full GC)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => Measured.Value;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}

/// <summary>
/// Issue 8 item 9: a call when many tools are used in rotation. The runtime keeps prepared states for
/// 256 tools and compiled chunks for 4096; each invocation calls the next tool of the rotation through
/// funcs.call, so at 257 and more some calls find no prepared state and pay for a new one.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class LuaManyToolsBenchmarks
{
    private LuaRuntime _runtime = null!;
    private FunctionCaller _caller = null!;
    private EntryId[] _ids = null!;
    private JsonObject _arguments = null!;
    private int _next;

    [Params(8, 256, 257, 1000)]
    public int Tools { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _runtime = new LuaRuntime();
        _ids = Enumerable.Range(0, Tools).Select(i => new EntryId("app.generated", string.Create(CultureInfo.InvariantCulture, $"tool_{i}"))).ToArray();
        var registry = EntryRegistry.CreateInMemory(_ids.Select((id, i) => LuaToolFixture.Greet(id, string.Create(CultureInfo.InvariantCulture, $"hello #{i}"))));
        _caller = new FunctionCaller(registry, _runtime);
        _arguments = new JsonObject { ["name"] = "ada" };
        foreach (var id in _ids) Call(id);
    }

    [GlobalCleanup]
    public void Cleanup() => _runtime.Dispose();

    [Benchmark(Description = "funcs.call, tools called in rotation")]
    public FunctionResult CallNextTool()
    {
        var id = _ids[_next];
        _next = (_next + 1) % _ids.Length;
        return Call(id);
    }

    private FunctionResult Call(EntryId id)
    {
        var result = _caller.CallAsync(id, _arguments).GetAwaiter().GetResult();
        return result.IsSuccess ? result : throw new InvalidOperationException(result.ToString());
    }
}
