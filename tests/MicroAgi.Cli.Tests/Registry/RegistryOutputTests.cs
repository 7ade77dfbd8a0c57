namespace MicroAgi.Cli.Tests.Registry;

/// <summary>What the registry commands print must be the stored text, not a re-wrapped copy of it.</summary>
public class RegistryOutputTests
{
    [Fact]
    public async Task Show_and_diff_print_long_lines_unbroken()
    {
        using var cli = new CliRunner();
        var longLine = "local s = \"" + new string('x', 900) + "\"";
        var longComment = new string('c', 500);
        cli.WriteFile("long.lua", longLine + "\nreturn { handler = function() return s end }\n");
        var changeset = cli.WriteFile("add.yaml", $"""
            description: {longComment}
            changes:
              - op: create
                id: app.generated:long
                kind: function.lua
                meta: {"{"} comment: {longComment} {"}"}
                source: file://long.lua
                method: handler
            """);
        var apply = await cli.RunAsync("registry", "apply", changeset);
        Assert.True(apply.ExitCode == 0, apply.ToString());

        var show = await cli.RunAsync("registry", "show", "app.generated:long");
        var diff = await cli.RunAsync("registry", "diff", "1");

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains(longLine + "\n", show.Stdout);
        Assert.Contains($"\"comment\": \"{longComment}\"", show.Stdout);
        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Contains($"version 1 — {longComment}\n", diff.Stdout);
    }
}
