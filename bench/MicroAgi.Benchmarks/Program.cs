using BenchmarkDotNet.Running;

// Run everything: dotnet run -c Release --project bench/MicroAgi.Benchmarks -- --filter '*'
// Run one group:  dotnet run -c Release --project bench/MicroAgi.Benchmarks -- --filter '*Registry*'
BenchmarkSwitcher.FromAssembly(typeof(MicroAgi.Benchmarks.TerminalOutputBenchmarks).Assembly).Run(args);
