using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Registry;

namespace MicroAgi.Lua.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly LuaRuntime _runtime = new(new LuaRuntimeOptions { Limits = LuaTestHost.SmallLimits, MaxIdleStatesPerTool = 2 });

    public void Dispose() => _runtime.Dispose();

    private static Entry Tool(string name, string source) =>
        Entry.Create(EntryId.Parse("app.generated:" + name), FunctionKinds.Lua, new JsonObject(),
            new JsonObject { ["source"] = source, ["modules"] = new JsonArray("json", "hash") });

    [Fact]
    public async Task Parallel_calls_of_many_tools_never_see_each_others_values()
    {
        // Each tool writes its input into a global and into module-level state, yields time, then
        // reads them back: any sharing between concurrent calls would show up as a wrong answer.
        var tools = Enumerable.Range(0, 4).Select(t => Tool($"tool{t}", $$"""
            local json = require("json")
            local hash = require("hash")
            local seen = {}
            local function handler(input)
              shared = input.n
              seen[#seen + 1] = input.n
              local s = 0
              for i = 1, 20000 do s = s + i end
              return { tool = {{t}}, n = shared, seen = #seen, digest = hash.sha256(json.encode(input)) }
            end
            return { handler = handler }
            """)).ToArray();
        var caller = new FunctionCaller(EntryRegistry.CreateInMemory(tools), _runtime);
        var failures = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var tool = i % tools.Length;
            var input = new JsonObject { ["n"] = i, ["pad"] = new string('x', i % 50) };
            var result = await caller.CallAsync(tools[tool].Id, input, ct);
            var expectedDigest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
                $$"""{"n":{{i}},"pad":"{{new string('x', i % 50)}}"}""")));
            if (!result.IsSuccess) failures.Add($"{i}: {result}");
            else if ((int?)result.Value!["n"] != i || (int?)result.Value["tool"] != tool || (int?)result.Value["seen"] != 1 || (string?)result.Value["digest"] != expectedDigest)
                failures.Add($"{i}: {result}");
        });
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Timeouts_in_parallel_do_not_disturb_healthy_calls()
    {
        var spin = Tool("spin", "return { handler = function() while true do end end }");
        var ok = Tool("ok", "return { handler = function(input) return input.n * 2 end }");
        using var runtime = new LuaRuntime(new LuaRuntimeOptions { Limits = LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromSeconds(1) } });
        var caller = new FunctionCaller(EntryRegistry.CreateInMemory([spin, ok]), runtime);
        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() =>
            caller.CallAsync(i % 3 == 0 ? spin.Id : ok.Id, new JsonObject { ["n"] = i }))));
        for (var i = 0; i < results.Length; i++)
        {
            if (i % 3 == 0) Assert.Equal(FunctionErrorKind.Timeout, results[i].ErrorKind);
            else Assert.Equal((i * 2).ToString(System.Globalization.CultureInfo.InvariantCulture), results[i].ValueJson);
        }
    }
}
