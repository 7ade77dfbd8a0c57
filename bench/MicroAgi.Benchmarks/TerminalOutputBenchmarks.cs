using BenchmarkDotNet.Attributes;
using MicroAgi.Cli.Hosting;
using Spectre.Console;

namespace MicroAgi.Benchmarks;

/// <summary>
/// The last leg of issue 4's "streamed chunk → terminal under 1 ms": what the REPL's observer does
/// with a chunk once the provider layer has produced it (escape-sequence filtering, the write, the
/// flush), and with a tool-status line. The writer discards the bytes, so the terminal emulator's
/// own drawing time is not in the figure.
/// </summary>
[MemoryDiagnoser]
public class TerminalOutputBenchmarks
{
    private ConsoleObserver _observer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(TextWriter.Null),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.TrueColor,
            Interactive = InteractionSupport.No,
        });
        _observer = new ConsoleObserver(new StatusLine(console), TerminalText.For(TextWriter.Null, isTerminal: true), showReasoning: false, new MicroAgi.Cli.Repl.ProgressLine(TextWriter.Null, enabled: false));
    }

    [Benchmark(Description = "Terminal: a 4-character streamed chunk written and flushed")]
    public void StreamedChunk() => _observer.TextDelta("abcd");

    [Benchmark(Description = "Terminal: a chunk carrying an escape sequence, filtered then written")]
    public void ChunkWithEscape() => _observer.TextDelta("ab\u001b[2Jcd");

    [Benchmark(Description = "Terminal: a [tool] ok line")]
    public void ToolLine() => _observer.ToolFinished("current_time_utc", null);
}
