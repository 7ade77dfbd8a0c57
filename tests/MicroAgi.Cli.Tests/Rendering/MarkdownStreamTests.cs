using System.Text.RegularExpressions;
using MicroAgi.Cli.Repl.Rendering;

namespace MicroAgi.Cli.Tests.Rendering;

/// <summary>Markdown rendered for a terminal as it streams: the same screen however the text is cut, no word broken.</summary>
public partial class MarkdownStreamTests
{
    private const string Answer = """
        # Clocks

        The **current** time comes from `os.date`, see [the manual](https://lua.org/manual) and my_snake_case name.

        - first *item*
        - second item
          - nested item
        1. numbered

        > quoted words

        | name | kind |
        |------|------|
        | **a** | tool |
        | bb | group |

        ```lua
        local x = "hi" -- greet
        ```
        done
        """;

    [Fact]
    public void Blocks_and_inline_styles_are_rendered()
    {
        var shown = Render(Answer, 200, chunk: int.MaxValue);
        var lines = Ansi.Strip(shown).Split('\n');

        Assert.Equal("Clocks", lines[0]);
        Assert.Contains("The current time comes from os.date, see the manual (https://lua.org/manual) and my_snake_case name.", lines);
        Assert.Contains("• first item", lines);
        Assert.Contains("  ◦ nested item", lines);
        Assert.Contains("1. numbered", lines);
        Assert.Contains("│ quoted words", lines);
        Assert.Contains("┌──────┬───────┐", lines);
        Assert.Contains("│ name │ kind  │", lines);
        Assert.Contains("│ a    │ tool  │", lines);
        Assert.Contains("  local x = \"hi\" -- greet", lines);
        Assert.DoesNotContain(lines, l => l.Contains("```", StringComparison.Ordinal) || l.Contains("**", StringComparison.Ordinal));
        // Styles: the heading bold and underlined, **current** bold, `os.date` in the code colour, `local` a keyword.
        Assert.Contains("\u001b[0;1;4mClocks", shown, StringComparison.Ordinal);
        Assert.Contains("\u001b[0;1mcurrent", shown, StringComparison.Ordinal);
        Assert.Contains("\u001b[0;36mos.date", shown, StringComparison.Ordinal);
        Assert.Contains("\u001b[35mlocal", shown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void Streaming_in_pieces_shows_the_same_as_the_whole(int chunk)
    {
        Assert.Equal(Render(Answer, 80, int.MaxValue), Render(Answer, 80, chunk));
    }

    [Fact]
    public void Long_lines_wrap_between_words_never_inside_one()
    {
        var words = Enumerable.Range(0, 60).Select(i => "word" + new string('x', i % 9)).ToList();
        var text = "- " + string.Join(' ', words) + "\n";

        var lines = Ansi.Strip(Render(text, 30, chunk: 5)).TrimEnd('\n').Split('\n');

        Assert.True(lines.Length > 5);
        Assert.All(lines, line => Assert.True(line.Length <= 30, $"'{line}' is wider than 30"));
        Assert.All(lines.Skip(1), line => Assert.StartsWith("  ", line, StringComparison.Ordinal));
        Assert.Equal(words, string.Join(' ', lines).Replace("•", "", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Escape_sequences_in_the_answer_are_shown_as_text_and_only_styles_reach_the_terminal()
    {
        var shown = Render("**bold** \u001b]52;c;cHduZWQ=\u0007 then \u001b[2J and\rover\n```\n\u001b[31mred\n```\n", 80, chunk: 2);

        Assert.Contains("␛]52;c;cHduZWQ=␇", shown, StringComparison.Ordinal);
        Assert.Contains("␛[2J", shown, StringComparison.Ordinal);
        Assert.Contains("␍over", shown, StringComparison.Ordinal);
        Assert.Contains("␛[31mred", shown, StringComparison.Ordinal);
        Assert.DoesNotMatch(OtherThanStyle(), shown);
    }

    [Fact]
    public void A_partial_line_is_written_word_by_word_and_finish_ends_it()
    {
        var output = new StringWriter();
        var stream = new MarkdownStream(output, () => 80);

        stream.Write("Hello wor");
        Assert.Equal("Hello", Ansi.Strip(output.ToString()));
        stream.Write("ld, again");
        Assert.Equal("Hello world,", Ansi.Strip(output.ToString()));
        stream.Finish();
        Assert.Equal("Hello world, again\n", Ansi.Strip(output.ToString()));
    }

    private static string Render(string text, int width, int chunk)
    {
        var output = new StringWriter();
        var stream = new MarkdownStream(output, () => width);
        for (var at = 0; at < text.Length; at += chunk) stream.Write(text.Substring(at, Math.Min(chunk, text.Length - at)));
        stream.Finish();
        return output.ToString();
    }

    /// <summary>An escape character that does not start an SGR sequence (ESC [ digits and ; then m).</summary>
    [GeneratedRegex(@"\u001b(?!\[[0-9;]*m)")]
    private static partial Regex OtherThanStyle();
}
