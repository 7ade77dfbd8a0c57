using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Registry;

namespace MicroAgi.Benchmarks;

/// <summary>
/// Issue 8's figures for host functions: each hostile call runs once, in a fresh process (so the
/// process's peak resident memory belongs to that call alone), with a 64 MiB cap and a 1 s deadline
/// (60 s for the cases about memory). It reports how far past the deadline the call ended and the
/// peak memory of the process.
/// Run: <c>dotnet run -c Release --project bench/MicroAgi.Benchmarks -- limits</c>
/// (or <c>-- limits &lt;case&gt;</c> for one case).
/// </summary>
internal static class LimitsHarness
{
    /// <summary>The deadline of the cases about time: the issue's figures are against 1 s.</summary>
    private static readonly LuaLimits Timed = new() { Timeout = TimeSpan.FromSeconds(1), MemoryBytes = 64L << 20 };
    /// <summary>The cases about memory get a long deadline, so memory is what stops them.</summary>
    private static readonly LuaLimits Patient = Timed with { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>How long one case may run before the harness gives up on it.</summary>
    private static readonly TimeSpan CaseLimit = TimeSpan.FromMinutes(3);

    /// <summary>Each case: a handler body (with every module allowed), or "schema" for a schema check through funcs.call.</summary>
    private static readonly (string Name, LuaLimits Limits, string Body)[] Cases =
    [
        ("text.trim_right with a 400 KB character set", Timed, "local text = require('text') return #text.trim_right(('a'):rep(400000), ('b'):rep(400000) .. 'a')"),
        ("text.match_all: 1,000 matches of milliseconds each", Timed, "local text = require('text') local seg = ('a'):rep(18) .. 'cZ' return #text.match_all(seg:rep(1000), '(a+)+b|Z')"),
        ("text.regex_replace: 1,000 matches of milliseconds each", Timed, "local text = require('text') local seg = ('a'):rep(18) .. 'cZ' return #text.regex_replace(seg:rep(1000), '(a+)+b|Z', '')"),
        ("text.regex_split: 1,000 matches of milliseconds each", Timed, "local text = require('text') local seg = ('a'):rep(18) .. 'cZ' return #text.regex_split(seg:rep(1000), '(a+)+b|Z')"),
        ("time.parse of 3,000,000 weekday names", Timed, "return require('time').parse(('Monday'):rep(3000000), ('%A'):rep(3000000))"),
        ("time.parse of 6,000,000 weekday abbreviations", Timed, "return require('time').parse(('Sat'):rep(6000000), ('%a'):rep(6000000))"),
        ("input_schema pattern over 200 strings", Timed, "schema"),
        ("text.match: (a|b)* over 10 MB (one capture per character)", Patient, "local text = require('text') return text.match(('ab'):rep(5000000), '(a|b)*').finish"),
        ("json.encode of a 60 MB string of control characters", Patient, "return #require('json').encode(('\\1'):rep(60000000))"),
        ("text.regex_escape of a 30 MB string", Patient, "return #require('text').regex_escape(('.'):rep(30000000))"),
        ("yaml.encode of a 60 MB string of control characters", Patient, "return #require('yaml').encode({ s = ('\\1'):rep(60000000) })"),
        ("a tool returning a 60 MB string of control characters", Patient, "return ('\\1'):rep(60000000)"),
        ("an error of 50 MB", Patient, "error(('x'):rep(50000000), 0)"),
    ];

    public static int Run(string[] args)
    {
        if (args.Length > 1) return RunCase(args[1]);
        Console.WriteLine("| case | deadline | outcome | elapsed | past the deadline | peak RSS |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var self = Environment.ProcessPath!;
        var assembly = typeof(LimitsHarness).Assembly.Location;
        foreach (var (name, _, _) in Cases)
        {
            var start = new ProcessStartInfo(self) { RedirectStandardOutput = true };
            if (!self.EndsWith("MicroAgi.Benchmarks", StringComparison.Ordinal)) start.ArgumentList.Add(assembly);
            start.ArgumentList.Add("limits");
            start.ArgumentList.Add(name);
            using var child = Process.Start(start)!;
            var output = child.StandardOutput.ReadToEndAsync();
            if (!child.WaitForExit(CaseLimit))
            {
                child.Kill();
                Console.WriteLine($"| {name} | | did not end within {CaseLimit.TotalSeconds:0} s (killed) | | | |");
                continue;
            }
            var line = output.GetAwaiter().GetResult().Trim();
            Console.WriteLine(line.Length > 0 ? line : $"| {name} | | (the process failed: exit {child.ExitCode}) | | | |");
        }
        return 0;
    }

    private static int RunCase(string name)
    {
        var (_, limits, body) = Cases.Single(c => c.Name == name);
        using var runtime = new LuaRuntime(new LuaRuntimeOptions { Limits = limits });
        // Warm up the runtime, so its one-off costs are not counted.
        runtime.RunAsync(Source("return 1"), null).GetAwaiter().GetResult();
        var baseline = PeakResidentMegabytes();
        var clock = new Stopwatch();
        if (body != "schema") clock.Start();
        var result = body == "schema" ? SchemaCase(runtime, clock) : runtime.RunAsync(Source(body), null).GetAwaiter().GetResult();
        clock.Stop();
        var outcome = result.IsSuccess ? "success" : $"{result.ErrorKind} ({Short(result.Error!)})";
        var past = clock.Elapsed - limits.Timeout;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {limits.Timeout.TotalSeconds:0} s | {outcome} | {clock.Elapsed.TotalMilliseconds:0} ms | {(past > TimeSpan.Zero ? $"{past.TotalMilliseconds:0} ms" : "—")} | {PeakResidentMegabytes()} MB (idle {baseline} MB) |"));
        return 0;
    }

    /// <summary>A tool whose input schema has a backtracking pattern, called with 200 strings that each take long to refuse.</summary>
    private static FunctionResult SchemaCase(LuaRuntime runtime, Stopwatch clock)
    {
        var id = new EntryId("app.generated", "patterned");
        var entry = Entry.Create(id, FunctionKinds.Lua,
            new JsonObject
            {
                ["type"] = "tool",
                ["input_schema"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["items"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string", ["pattern"] = "^(a+)+$" } },
                    },
                },
            },
            new JsonObject { ["source"] = "return { handler = function() return 1 end }", ["method"] = "handler", ["modules"] = new JsonArray() });
        var caller = new FunctionCaller(EntryRegistry.CreateInMemory([entry]), runtime);
        // A first call with a valid input, so compiling the pattern and its engine's first use are not counted.
        caller.CallAsync(id, new JsonObject { ["items"] = new JsonArray("aaa") }).GetAwaiter().GetResult();
        var items = new JsonArray();
        for (var i = 0; i < 200; i++) items.Add(new string('a', 26) + "!");
        clock.Start();
        return caller.CallAsync(id, new JsonObject { ["items"] = items }).GetAwaiter().GetResult();
    }

    private static LuaFunctionSource Source(string body) => new(
        $"local function handler(input)\n{body}\nend\nreturn {{ handler = handler }}", "handler", [.. LuaRuntime.AvailableModules], "limits");

    private static string Short(string text) => (text.Length > 60 ? text[..60] + "…" : text).Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>VmHWM: the most resident memory the process has had.</summary>
    private static long PeakResidentMegabytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
