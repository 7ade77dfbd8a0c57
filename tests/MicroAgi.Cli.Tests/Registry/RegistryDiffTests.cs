namespace MicroAgi.Cli.Tests.Registry;

/// <summary><c>registry diff</c>: a unified diff of an entry's source and meta, the whole entry when it was created.</summary>
public class RegistryDiffTests
{
    private const string Source = "local function handler()\n  local a = 1\n  local b = 2\n  local c = 3\n  local d = 4\n  local e = 5\n  return a\nend\nreturn { handler = handler }\n";

    private static string ChangeSet(string op, string description, string title) => $$"""
        description: {{description}}
        changes:
          - op: {{op}}
            id: app.generated:clock
            kind: function.lua
            meta: { type: tool, title: {{title}} }
            source: file://clock.lua
            method: handler
        """;

    [Fact]
    public async Task A_created_tool_shows_whole_and_an_update_shows_only_its_changed_lines_with_context()
    {
        using var cli = new CliRunner();
        cli.WriteFile("clock.lua", Source);
        Assert.Equal(0, (await cli.RunAsync("registry", "apply", cli.WriteFile("one.yaml", ChangeSet("create", "add a clock", "clock")))).ExitCode);
        cli.WriteFile("clock.lua", Source.Replace("return a", "return a + e", StringComparison.Ordinal));
        Assert.Equal(0, (await cli.RunAsync("registry", "apply", cli.WriteFile("two.yaml", ChangeSet("update", "fix the clock", "better clock")))).ExitCode);

        var created = await cli.RunAsync("registry", "diff", "1");
        var updated = await cli.RunAsync("registry", "diff", "2");

        Assert.True(created.ExitCode == 0, created.ToString());
        var lines = created.Stdout.ReplaceLineEndings("\n").Split('\n');
        Assert.Contains("--- /dev/null", lines);
        Assert.Contains("+++ app.generated:clock (version 1)", lines);
        Assert.Contains("+kind: function.lua", lines);
        Assert.Contains("+meta.title: \"clock\"", lines);
        Assert.Contains("+data.source: |", lines);
        Assert.Contains("+  local function handler()", lines);
        Assert.Contains("+  return { handler = handler }", lines);

        Assert.True(updated.ExitCode == 0, updated.ToString());
        var diff = updated.Stdout.ReplaceLineEndings("\n");
        Assert.Contains("--- app.generated:clock (version 1)\n+++ app.generated:clock (version 2)\n", diff, StringComparison.Ordinal);
        Assert.Contains("-meta.title: \"clock\"\n+meta.title: \"better clock\"\n", diff, StringComparison.Ordinal);
        // Source lines sit two spaces in under "data.source: |", after the diff's own column.
        Assert.Contains("     local e = 5\n-    return a\n+    return a + e\n   end\n", diff, StringComparison.Ordinal);
        // Three lines of context: the start of the function is outside the hunk.
        Assert.DoesNotContain(" local function handler()", diff, StringComparison.Ordinal);
        Assert.Matches(@"@@ -\d+,\d+ \+\d+,\d+ @@", diff);
    }

    [Fact]
    public async Task On_a_terminal_added_lines_are_green_and_removed_ones_red()
    {
        using var cli = new CliRunner();
        cli.Environment["NO_COLOR"] = null;
        cli.Environment["TERM"] = "xterm-256color";
        cli.WriteFile("clock.lua", Source);
        await cli.RunAsync("registry", "apply", cli.WriteFile("one.yaml", ChangeSet("create", "add a clock", "clock")));
        await cli.RunAsync("registry", "apply", cli.WriteFile("two.yaml", ChangeSet("update", "rename", "\"\\e[2J\"")));

        var result = await cli.RunLiveInTerminalAsync(_ => Task.CompletedTask, "registry", "diff", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\u001b[31m-meta.title: \"clock\"\u001b[0m", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\u001b[32m+meta.title: \"\\u001B[2J\"\u001b[0m", result.Stdout, StringComparison.Ordinal);
    }
}
