using System.Diagnostics;
using System.Globalization;

namespace MicroAgi.Cli.Repl;

/// <summary>
/// The line that says something is happening while the model thinks or a tool runs: a spinner, what is going
/// on, the turn's elapsed time and how to stop it (<c>⠹ thinking… 4 s · Ctrl+C to interrupt</c>). It lives on
/// one terminal line that it erases before anything else is written (<see cref="Hide"/>), so the answer and the
/// tool lines never mix with it. Off (every method does nothing) when the output is not a terminal.
/// </summary>
internal sealed class ProgressLine : IDisposable
{
    // Spectre.Console's "dots" spinner.
    private static readonly string[] Frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter _terminal;
    private readonly bool _enabled;
    private readonly Lock _gate = new();
    private readonly Timer? _timer;
    private readonly Stopwatch _turn = new();
    private string? _label;
    private int _frame;
    private int _shownLength;

    /// <param name="terminal">The terminal's plain writer (the one the answer goes through).</param>
    /// <param name="enabled">Whether a person is watching: the output is a terminal and this is not a one-shot run.</param>
    public ProgressLine(TextWriter terminal, bool enabled)
    {
        _terminal = terminal;
        _enabled = enabled;
        if (enabled) _timer = new Timer(_ => Tick(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A turn begins: the elapsed time counts from here.</summary>
    public void BeginTurn() => _turn.Restart();

    /// <summary>Shows <paramref name="label"/> (<c>thinking</c>, <c>running doc_search</c>) until <see cref="Hide"/>.</summary>
    public void Show(string label)
    {
        if (!_enabled) return;
        lock (_gate)
        {
            _label = label;
            Draw();
            _timer!.Change(Interval, Interval);
        }
    }

    /// <summary>Erases the line and stops the spinner; call before writing anything else to the terminal.</summary>
    public void Hide()
    {
        if (!_enabled) return;
        lock (_gate)
        {
            _label = null;
            _timer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Erase();
        }
    }

    /// <summary>Erases the line for <paramref name="write"/> (a notice from another thread), then shows it again.</summary>
    public void Interrupt(Action write)
    {
        lock (_gate)
        {
            Erase();
            write();
            if (_label is not null) Draw();
        }
    }

    public void Dispose() => _timer?.Dispose();

    private static int Width()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_label is null) return;
            _frame = (_frame + 1) % Frames.Length;
            Draw();
        }
    }

    private void Draw()
    {
        var seconds = ((int)_turn.Elapsed.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var text = $"{Frames[_frame]} {_label}… {seconds} s · Ctrl+C to interrupt";
        // A line that wraps could not be erased: keep it inside the window.
        if (Width() is var width && text.Length >= width) text = text[..Math.Max(1, width - 1)];
        // Written over the last one: a shorter text is padded so no end of the longer one stays.
        _terminal.Write("\r" + text.PadRight(_shownLength));
        _terminal.Flush();
        _shownLength = text.Length;
    }

    private void Erase()
    {
        if (_shownLength == 0) return;
        _terminal.Write("\r" + new string(' ', _shownLength) + "\r");
        _terminal.Flush();
        _shownLength = 0;
    }
}
