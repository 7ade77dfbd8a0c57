using BenchmarkDotNet.Running;

// Run everything: dotnet run -c Release --project bench/MicroAgi.Benchmarks -- --filter '*'
// Run one group:  dotnet run -c Release --project bench/MicroAgi.Benchmarks -- --filter '*Registry*'
// Issue 8's limit figures (not BenchmarkDotNet): dotnet run -c Release --project bench/MicroAgi.Benchmarks -- limits
if (args.Length > 0 && args[0] == "limits") return MicroAgi.Benchmarks.LimitsHarness.Run(args);
// The prelude's table functions against native Lua, as medians of interleaved runs (steadier than BenchmarkDotNet on a busy machine):
//                  dotnet run -c Release --project bench/MicroAgi.Benchmarks -- prelude [rounds]
if (args.Length > 0 && args[0] == "prelude") return MicroAgi.Benchmarks.PreludeHarness.Run(args);
BenchmarkSwitcher.FromAssembly(typeof(MicroAgi.Benchmarks.TerminalOutputBenchmarks).Assembly).Run(args);
return 0;
