using System.Diagnostics;
using System.Globalization;

namespace MicroAgi.Benchmarks;

/// <summary>
/// <see cref="LuaPreludeBenchmarks"/>' workloads timed by interleaving: each round runs every variant
/// once (native, native with a count hook, the sandbox, the sandbox with its Lua fallback), and the
/// table reports each variant's median over the rounds and its ratio to native. Interleaving makes
/// the other load of a shared machine fall on all variants alike, which BenchmarkDotNet's one
/// variant after the other does not.
/// Run: <c>dotnet run -c Release --project bench/MicroAgi.Benchmarks -- prelude [rounds] [workload…]</c> (default 41
/// rounds, every workload; a workload is chosen by a part of its name).
/// </summary>
internal static class PreludeHarness
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 41;
        Console.WriteLine($"rounds: {rounds}; load average at start: {LoadAverage()}");
        Console.WriteLine("| workload | native (median) | + count hook | sandbox | sandbox ÷ native | Lua fallback ÷ native |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var chosen = args.Skip(2).ToArray();
        foreach (var workload in LuaPreludeBenchmarks.WorkloadNames.Where(name => chosen.Length == 0 || chosen.Any(name.Contains)))
        {
            var bench = new LuaPreludeBenchmarks { Workload = workload };
            bench.Setup();
            try
            {
                Func<string>[] variants = [bench.Native, bench.NativeHooked, bench.Sandbox, bench.SandboxFallback];
                var times = variants.Select(_ => new List<double>()).ToArray();
                // Warm-up rounds first: the sandbox's allocator and hook are C# that the JIT has to optimise.
                for (var round = -8; round < rounds; round++)
                {
                    for (var v = 0; v < variants.Length; v++)
                    {
                        var started = Stopwatch.GetTimestamp();
                        variants[v]();
                        if (round >= 0) times[v].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
                var medians = times.Select(Median).ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {workload} | {medians[0]:0.00} ms | {medians[1] / medians[0]:0.00}× | {medians[2]:0.00} ms | **{medians[2] / medians[0]:0.00}×** | {medians[3] / medians[0]:0.00}× |"));
            }
            finally
            {
                bench.Cleanup();
            }
        }
        Console.WriteLine($"load average at end: {LoadAverage()}");
        return 0;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
