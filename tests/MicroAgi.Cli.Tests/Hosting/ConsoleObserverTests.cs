using MicroAgi.Cli.Hosting;
using MicroAgi.Registry;
using Spectre.Console;

namespace MicroAgi.Cli.Tests.Hosting;

/// <summary>What the terminal shows of names the model chose: never an escape sequence, a forged line or a flood.</summary>
public class ConsoleObserverTests
{
    [Fact]
    public void A_tool_name_with_escape_sequences_and_newlines_is_shown_on_one_clean_line()
    {
        var (observer, output) = Observer();

        observer.ToolFinished("doc\u001b]0;PWNED\u0007search\n[x] ok", error: null);
        observer.ToolFinished("a\nb", error: "unknown tool");

        var shown = output.ToString().ReplaceLineEndings("\n");
        Assert.DoesNotContain("\u001b", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", shown, StringComparison.Ordinal);
        Assert.Equal(["[doc␛]0;PWNED␇search [x] ok] ok", "[a b] error: unknown tool"], shown.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void A_huge_tool_name_is_shortened()
    {
        var (observer, output) = Observer();

        observer.ToolFinished(new string('n', 200_000), error: "unknown tool");

        var shown = output.ToString();
        Assert.True(shown.Length < 400, $"{shown.Length} characters shown");
        Assert.Contains("…] error: unknown tool", shown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loaded_tools_id_is_shortened_too()
    {
        var (observer, output) = Observer();

        observer.ToolLoaded(new EntryId("app.generated", new string('t', 5_000)));

        var shown = output.ToString();
        Assert.StartsWith("[+] app.generated:ttt", shown, StringComparison.Ordinal);
        Assert.True(shown.Length < 400, $"{shown.Length} characters shown");
    }

    private static (ConsoleObserver Observer, StringWriter Output) Observer()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        // Wide enough that Spectre's wrapping plays no part in what is asserted.
        console.Profile.Width = 1_000;
        return (new ConsoleObserver(new StatusLine(console), TerminalText.For(output, isTerminal: true), showReasoning: false, new MicroAgi.Cli.Repl.ProgressLine(TextWriter.Null, enabled: false)), output);
    }
}
