using MicroAgi.Cli.Hosting;

namespace MicroAgi.Cli.Tests.Hosting;

/// <summary>What a terminal is shown of text others wrote: every control that could act, as visible text.</summary>
public class TerminalTextTests
{
    [Theory]
    [InlineData("\u001b[2J", "␛[2J")]                                              // CSI: clear the screen
    [InlineData("\u001b]0;pwned\u0007", "␛]0;pwned␇")]                             // OSC: window title
    [InlineData("\u001b]52;c;ZXZpbA==\u001b\\", "␛]52;c;ZXZpbA==␛\\")]             // OSC 52: write the clipboard
    [InlineData("\u001bP+q544e\u001b\\", "␛P+q544e␛\\")]                           // DCS
    [InlineData("\u009b2J and \u009d0;t\u009c", "\\x9b2J and \\x9d0;t\\x9c")]        // C1 CSI, OSC, ST
    [InlineData("os.execute('rm -rf ~')\r-- harmless", "os.execute('rm -rf ~')␍-- harmless")] // a bare CR hides code
    [InlineData("a\u0008b\u007fc\0", "a␈b␡c␀")]
    [InlineData("x = 1 \u202e// comment", "x = 1 \\u202e// comment")]             // bidi override (Trojan Source)
    public void Controls_are_shown_as_text(string written, string shown) => Assert.Equal(shown, TerminalText.Visible(written));

    [Theory]
    [InlineData("plain text, ünïcödé, 表")]
    [InlineData("lines\nand\ttabs\r\nand CRLF\r\n")]
    public void Text_without_acting_controls_is_unchanged(string text) => Assert.Same(text, TerminalText.Visible(text));

    [Fact]
    public void A_writer_for_a_terminal_shows_controls_and_one_for_a_pipe_passes_every_byte()
    {
        var onTerminal = new StringWriter();
        var piped = new StringWriter();

        TerminalText.For(onTerminal, isTerminal: true).Write("a\u001b[31mb\r\n");
        TerminalText.For(piped, isTerminal: false).Write("a\u001b[31mb\r\n");

        Assert.Equal("a␛[31mb\r\n", onTerminal.ToString());
        Assert.Equal("a\u001b[31mb\r\n", piped.ToString());
    }

    [Fact]
    public void One_line_joins_lines_and_cuts_long_text()
    {
        Assert.Equal("a b␛", TerminalText.OneLine("a\nb\u001b", 10));
        Assert.Equal("abcdefghi…", TerminalText.OneLine(new string('a', 1) + "bcdefghijklmnop", 10));
    }
}
