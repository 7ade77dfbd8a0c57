using MicroAgi.Cli.Hosting;
using MicroAgi.Cli.Repl.Rendering;
using Spectre.Console;

namespace MicroAgi.Cli.Tests.Hosting;

/// <summary>The agent's status lines: coloured as Spectre coloured them where the console shows colours, plain elsewhere,
/// and whatever the model put in a name or an error shown as text on one short line.</summary>
public class StatusLineTests
{
    [Fact]
    public void Where_the_console_shows_colours_ok_is_green_error_red_and_notices_dim()
    {
        var (status, output) = Status(AnsiSupport.Yes, ColorSystemSupport.Standard);

        status.ToolSucceeded("doc_search", "");
        status.ToolSucceeded("create_tool", " · created app.generated:shout");
        status.ToolFailed("shout", "bad input");
        status.ToolDid("self", "modify max_iterations 40 → 80");
        status.ToolLoaded("app.generated:shout");
        status.Dimmed("1,000 in · 10 out");

        Assert.Equal(
            [
                "[doc_search] \u001b[32mok\u001b[0m",
                "[create_tool] \u001b[32mok\u001b[0m\u001b[2m · created app.generated:shout\u001b[0m",
                "[shout] \u001b[31merror:\u001b[0m bad input",
                "[self] modify max_iterations 40 → 80",
                "[+] app.generated:shout",
                "\u001b[2m1,000 in · 10 out\u001b[0m",
            ],
            Lines(output));
    }

    [Theory]
    [InlineData(AnsiSupport.No, ColorSystemSupport.NoColors)]   // piped, or TERM=dumb
    [InlineData(AnsiSupport.Yes, ColorSystemSupport.NoColors)]  // NO_COLOR on a terminal that reads escape sequences
    public void Without_colours_the_lines_carry_no_escape_sequence(AnsiSupport ansi, ColorSystemSupport colours)
    {
        var (status, output) = Status(ansi, colours);

        status.ToolSucceeded("create_tool", " · created app.generated:shout");
        status.ToolFailed("shout", "bad input");
        status.Dimmed("1,000 in · 10 out");
        status.Reasoning("thinking");
        status.EndLine();

        Assert.Equal(
            ["[create_tool] ok · created app.generated:shout", "[shout] error: bad input", "1,000 in · 10 out", "thinking"],
            Lines(output));
    }

    [Fact]
    public void A_hostile_name_and_error_are_one_visible_short_line_among_the_colours()
    {
        var (status, output) = Status(AnsiSupport.Yes, ColorSystemSupport.Standard);
        var hostile = "\u001b]52;c;cHduZWQ=\u0007\u001b[2J\r\n[x] ok\n" + new string('m', 2_000_000);

        status.ToolFailed("doc" + hostile, "bad" + hostile);
        status.ToolSucceeded(hostile, hostile);

        var lines = Lines(output);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("[doc␛]52;c;cHduZWQ=␇␛[2J [x] ok mmm", lines[0], StringComparison.Ordinal);
        Assert.Contains("…] \u001b[31merror:\u001b[0m bad␛]52;c;cHduZWQ=␇␛[2J [x] ok mmm", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("[␛]52;c;cHduZWQ=␇␛[2J [x] ok mmm", lines[1], StringComparison.Ordinal);
        Assert.All(lines, line => Assert.True(line.Length < 400, $"{line.Length} characters shown"));
        // The only escape sequences left are the colours written here.
        var ours = output.ToString().Replace(Ansi.Red, "", StringComparison.Ordinal).Replace(Ansi.Green, "", StringComparison.Ordinal)
            .Replace(Ansi.Dim, "", StringComparison.Ordinal).Replace(Ansi.Reset, "", StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", ours, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", ours, StringComparison.Ordinal);
    }

    [Fact]
    public void Reasoning_is_dim_and_italic_where_it_is_written_and_a_notice_keeps_its_lines()
    {
        var (status, output) = Status(AnsiSupport.Yes, ColorSystemSupport.TrueColor);

        status.Reasoning("first \u001b[2J");
        status.Reasoning("second");
        status.EndLine();
        status.Dimmed("retrying\nin 2 s");

        Assert.Equal(
            ["\u001b[2;3mfirst ␛[2J\u001b[0m\u001b[2;3msecond\u001b[0m", "\u001b[2mretrying", "in 2 s\u001b[0m"],
            Lines(output));
    }

    private static string[] Lines(StringWriter output) => output.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    private static (StatusLine Status, StringWriter Output) Status(AnsiSupport ansi, ColorSystemSupport colours)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ansi,
            ColorSystem = colours,
            Interactive = InteractionSupport.No,
        });
        return (new StatusLine(console), output);
    }
}
