using System.Runtime.InteropServices;

namespace MicroAgi.Cli.Repl.Input;

/// <summary>
/// Puts the terminal on standard input into raw mode while the line editor reads: keys arrive one by one, unechoed,
/// Ctrl+C and Ctrl+Z as bytes (the editor decides what they mean), and Enter as <c>\r</c> distinct from Ctrl+J's
/// <c>\n</c>. Also asks the terminal for bracketed paste, so a pasted text arrives marked as one. Disposing restores
/// the terminal exactly as it was, so during a turn Ctrl+C is a signal again and commands see a normal terminal.
/// </summary>
internal sealed partial class RawMode : IDisposable
{
    // Linux <termios.h>: struct termios is 60 bytes (four flags, line, 32 control chars, two speeds).
    private const int TermiosSize = 60;
    private const int InputFlags = 0;
    private const int LocalFlags = 12;
    private const int ControlChars = 17;
    private const uint Icrnl = 0x100, Ixon = 0x400;
    private const uint Isig = 0x1, Icanon = 0x2, Echo = 0x8, Iexten = 0x8000;
    private const int Vtime = 5, Vmin = 6;
    private const int Tcsanow = 0;
    private const string PasteOn = "\u001b[?2004h", PasteOff = "\u001b[?2004l";

    private readonly byte[] _saved;
    private readonly TextWriter _terminal;

    private RawMode(byte[] saved, TextWriter terminal)
    {
        _saved = saved;
        _terminal = terminal;
    }

    /// <summary>Raw mode on standard input, or null when it is not a terminal this can drive (then read lines plainly).</summary>
    public static RawMode? TryEnter(TextWriter terminal)
    {
        try
        {
            var saved = new byte[TermiosSize + 4];
            if (TcGetAttr(0, ref saved[0]) != 0) return null;
            var raw = (byte[])saved.Clone();
            Clear(raw, InputFlags, Icrnl | Ixon);
            Clear(raw, LocalFlags, Isig | Icanon | Echo | Iexten);
            raw[ControlChars + Vmin] = 1;
            raw[ControlChars + Vtime] = 0;
            if (TcSetAttr(0, Tcsanow, ref raw[0]) != 0) return null;
            terminal.Write(PasteOn);
            terminal.Flush();
            return new RawMode(saved, terminal);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _terminal.Write(PasteOff);
        _terminal.Flush();
        _ = TcSetAttr(0, Tcsanow, ref _saved[0]);
    }

    private static void Clear(byte[] termios, int offset, uint bits)
    {
        var flags = BitConverter.ToUInt32(termios, offset) & ~bits;
        BitConverter.TryWriteBytes(termios.AsSpan(offset), flags);
    }

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, ref byte termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int TcSetAttr(int fd, int optionalActions, ref byte termios);
}
