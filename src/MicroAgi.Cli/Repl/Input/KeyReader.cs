using System.Text;

namespace MicroAgi.Cli.Repl.Input;

/// <summary>
/// Turns the bytes a terminal sends in raw mode into <see cref="Key"/>s: UTF-8 text, control keys (Ctrl+A, Ctrl+U…),
/// and the escape sequences of xterm-like terminals (arrows in both cursor modes, Home/End/Delete, Ctrl+arrows,
/// Alt+letter, bracketed paste markers). An escape sequence it does not know is dropped whole, never typed in.
/// </summary>
internal sealed class KeyReader(Stream input)
{
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    private readonly byte[] _one = new byte[1];
    private readonly char[] _chars = new char[2];

    /// <returns>The next key; <see cref="KeyKind.EndOfInput"/> when the input ends.</returns>
    public Key Read()
    {
        var b = ReadByte();
        if (b < 0) return new Key(KeyKind.EndOfInput);
        return b switch
        {
            0x1b => ReadEscape(),
            0x01 => new Key(KeyKind.Home),
            0x02 => new Key(KeyKind.Left),
            0x03 => new Key(KeyKind.Interrupt),
            0x04 => new Key(KeyKind.EndOfInput),
            0x05 => new Key(KeyKind.End),
            0x06 => new Key(KeyKind.Right),
            0x07 => new Key(KeyKind.Cancel),
            0x08 or 0x7f => new Key(KeyKind.Backspace),
            0x09 => new Key(KeyKind.Complete),
            // Ctrl+J submits as Enter does (readline's accept-line): what a script typing "text\n" means.
            0x0a => new Key(KeyKind.Enter),
            0x0b => new Key(KeyKind.KillToEnd),
            0x0c => new Key(KeyKind.ClearScreen),
            0x0d => new Key(KeyKind.Enter),
            0x0e => new Key(KeyKind.Down),
            0x10 => new Key(KeyKind.Up),
            0x12 => new Key(KeyKind.Search),
            0x15 => new Key(KeyKind.KillToStart),
            0x17 => new Key(KeyKind.KillWordBefore),
            < 0x20 => new Key(KeyKind.Ignored),
            _ => ReadText((byte)b),
        };
    }

    private Key ReadText(byte first)
    {
        _one[0] = first;
        var count = _utf8.GetChars(_one, 0, 1, _chars, 0);
        // A multi-byte character: feed the decoder until it yields (a broken sequence ends as U+FFFD).
        while (count == 0)
        {
            var next = ReadByte();
            if (next < 0) return new Key(KeyKind.EndOfInput);
            _one[0] = (byte)next;
            count = _utf8.GetChars(_one, 0, 1, _chars, 0);
        }
        return new Key(KeyKind.Text, new string(_chars, 0, count));
    }

    private Key ReadEscape()
    {
        var b = ReadByte();
        switch (b)
        {
            case '[': return ReadCsi();
            case 'O':
                return ReadByte() switch
                {
                    'A' => new Key(KeyKind.Up),
                    'B' => new Key(KeyKind.Down),
                    'C' => new Key(KeyKind.Right),
                    'D' => new Key(KeyKind.Left),
                    'H' => new Key(KeyKind.Home),
                    'F' => new Key(KeyKind.End),
                    _ => new Key(KeyKind.Ignored),
                };
            case 'b' or 'B': return new Key(KeyKind.WordLeft);
            case 'f' or 'F': return new Key(KeyKind.WordRight);
            case 'd' or 'D': return new Key(KeyKind.KillWordAfter);
            case 0x7f or 0x08: return new Key(KeyKind.KillWordBefore);
            case '\r' or '\n': return new Key(KeyKind.NewLine);
            case < 0: return new Key(KeyKind.EndOfInput);
            default: return new Key(KeyKind.Cancel);
        }
    }

    /// <summary>ESC [ parameters final: the parameters are digits and ';', the final byte a letter or '~'.</summary>
    private Key ReadCsi()
    {
        var parameters = new StringBuilder();
        int b;
        while ((b = ReadByte()) >= 0 && (char.IsAsciiDigit((char)b) || b == ';')) parameters.Append((char)b);
        if (b < 0) return new Key(KeyKind.EndOfInput);
        var text = parameters.ToString();
        // Ctrl (5) or Alt (3) with an arrow: ESC [ 1 ; 5 C.
        var modified = text.EndsWith(";5", StringComparison.Ordinal) || text.EndsWith(";3", StringComparison.Ordinal);
        return (char)b switch
        {
            'A' => new Key(KeyKind.Up),
            'B' => new Key(KeyKind.Down),
            'C' => new Key(modified ? KeyKind.WordRight : KeyKind.Right),
            'D' => new Key(modified ? KeyKind.WordLeft : KeyKind.Left),
            'H' => new Key(KeyKind.Home),
            'F' => new Key(KeyKind.End),
            '~' => text switch
            {
                "1" or "7" => new Key(KeyKind.Home),
                "4" or "8" => new Key(KeyKind.End),
                "3" => new Key(KeyKind.Delete),
                "200" => new Key(KeyKind.PasteStart),
                "201" => new Key(KeyKind.PasteEnd),
                _ => new Key(KeyKind.Ignored),
            },
            _ => new Key(KeyKind.Ignored),
        };
    }

    private int ReadByte()
    {
        var read = input.Read(_one, 0, 1);
        return read == 0 ? -1 : _one[0];
    }
}
