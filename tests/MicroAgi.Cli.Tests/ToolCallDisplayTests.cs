using System.Text.Json.Nodes;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>
/// What the REPL shows of a tool call: its name and arguments when it starts, a preview of its result, the Lua of a
/// created tool (a few lines, highlighted on a terminal) with its tests, and the whole call on /last or /verbose.
/// </summary>
public class ToolCallDisplayTests
{
    // Twelve lines: more than the preview shows.
    private const string ShoutSource = """
        -- Upper-cases a text.
        local function shout(text)
          return string.upper(text)
        end

        local function handler(input)
          local text = input.text or ''
          return { text = shout(text) }
        end

        -- the last line of the source
        return { handler = handler }
        """;

    private static string CreateShout(string source) => new JsonObject
    {
        ["name"] = "shout",
        ["description"] = "Upper-cases a text",
        ["source"] = source,
        ["schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "string" } } },
        ["modules"] = new JsonArray(),
        ["tests"] = new JsonArray(new JsonObject { ["input"] = new JsonObject { ["text"] = "hi" }, ["expect"] = new JsonObject { ["text"] = "HI" } }),
    }.ToJsonString();

    [Fact]
    public async Task A_call_shows_its_arguments_and_a_preview_of_its_result_and_last_shows_it_whole()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(
            FakeReply.Call("create_tool", CreateShout(ShoutSource), "c1"),
            FakeReply.Call("shout", """{"text":"line one\nline two\nline three\nline four\nline five"}""", "c2"),
            FakeReply.Say("Done."));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunWithInputAsync("make a shout tool and use it\n/last\n", "--approval", "auto-edit");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        // create_tool: what it was asked to write, its first lines numbered, then what it did and its tests.
        Assert.Contains(lines, l => l.StartsWith("● create_tool name: \"shout\", description: \"Upper-cases a text\", modules: [], tests: [", StringComparison.Ordinal));
        Assert.Contains("   1 │ -- Upper-cases a text.", lines);
        Assert.Contains("   8 │   return { text = shout(text) }", lines);
        Assert.Contains("  … 4 more lines (/last shows the whole call)", lines);
        Assert.Contains("[create_tool] ok · created app.generated:shout · 1 test passed", lines);
        // The new tool's call: its arguments on one line, three lines of its result, how many more.
        Assert.Contains("● shout text: \"line one↵line two↵line three↵line four↵line five\"", lines);
        var ok = lines.IndexOf("[shout] ok");
        Assert.True(ok > 0, result.ToString());
        Assert.Equal(["  ⎿ {", "      \"text\": \"LINE ONE\\nLINE TWO\\nLINE THREE\\nLINE FOUR\\nLINE FIVE\"", "    }"], lines.Skip(ok + 1).Take(3));
        // /last: the whole call, arguments indented.
        var last = lines.FindLastIndex(l => l == "● shout");
        Assert.True(last > ok, result.ToString());
        Assert.Equal("  ⎿ {", lines[last + 1]);
        Assert.Contains("      \"text\": \"line one\\nline two\\nline three\\nline four\\nline five\"", lines.Skip(last));
    }

    [Fact]
    public async Task Verbose_shows_the_whole_source_and_a_failing_call_shows_its_reason()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(
            FakeReply.Call("create_tool", CreateShout(ShoutSource.Replace("string.upper(text)", "string.lower(text)", StringComparison.Ordinal)), "c1"),
            FakeReply.Say("It failed."));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunWithInputAsync("/verbose\nmake a shout tool\n/verbose off\n", "--approval", "auto-edit");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("tool calls are shown in full", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  12 │ return { handler = handler }", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("more lines", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[create_tool] error: ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("expected {\"text\":\"HI\"}, got {\"text\":\"hi\"}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("tool calls are shown as previews", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_the_source_is_coloured_and_escape_sequences_in_arguments_and_results_are_shown_as_text()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(
            FakeReply.Call("create_tool", CreateShout(ShoutSource), "c1"),
            FakeReply.Call("shout", """{"text":"\u001b]52;c;cHduZWQ=\u0007 and \u001b[2J"}""", "c2"),
            FakeReply.Say("Done."));
        using var cli = CliRunner.ForOpenAI(server);
        cli.Environment["NO_COLOR"] = null;
        cli.Environment["TERM"] = "xterm-256color";

        var result = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await terminal.WaitForPromptAfterAsync("/help for commands");
            await terminal.TypeAsync("go\r");
            await terminal.WaitForPromptAfterAsync("Done.");
            await terminal.TypeAsync("/exit\r");
        }, "--approval", "auto-edit");

        Assert.True(result.ExitCode == 0, result.ToString());
        // `local` and `function` in the keyword colour (magenta), the comment grey.
        Assert.Matches(@"\u001b\[(35|38;5;13)m(local|function)", result.Stdout);
        Assert.Matches(@"\u001b\[(90|38;5;8)m-- Upper-cases", result.Stdout);
        Assert.Contains("␛]52;c;cHduZWQ=␇ and ␛[2J", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b]52", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[2J", result.Stdout, StringComparison.Ordinal);
    }
}
