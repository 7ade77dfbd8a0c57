using Microsoft.Win32.SafeHandles;

namespace MicroAgi.Cli.Repl.Input;

/// <summary>
/// The REPL's prompt on a terminal: the <see cref="LineEditor"/> in raw mode while the user types, the terminal
/// given back as it was for the turn. Where raw mode cannot be had, lines are read plainly.
/// </summary>
internal sealed class TerminalPrompt(TextWriter terminal, InputHistory history, InterruptHandler interrupts, Func<string, IReadOnlyList<string>> complete)
{
    // Standard input read byte by byte, unbuffered: Console.In would echo and edit the line itself.
    private readonly KeyReader _keys = new(new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0));

    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var raw = RawMode.TryEnter(terminal);
        if (raw is null)
        {
            terminal.Write("> ");
            terminal.Flush();
            return await interrupts.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        using (raw)
        {
            var editor = new LineEditor(_keys, terminal, history, complete, interrupts.PressedAtPrompt);
            // The read blocks its thread; the REPL waits for it (nothing else runs at the prompt).
            return await Task.Run(() => editor.ReadLine("> "), CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
