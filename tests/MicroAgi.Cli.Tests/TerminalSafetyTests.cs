using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>
/// Text a model, a tool or the database wrote reaches a terminal with its escape sequences and bare
/// carriage returns shown as text (they could clear the screen, retitle the window, write the clipboard
/// or hide code), and reaches a pipe byte for byte.
/// </summary>
public class TerminalSafetyTests
{
    // Clear the screen, retitle the window, put "evil" on the clipboard (OSC 52), a DCS, and a carriage
    // return that would hide the code before it under the comment after it.
    private const string Hostile = "\u001b[2J\u001b]0;pwned\u0007\u001b]52;c;ZXZpbA==\u0007\u001bP+q\u001b\\os.exit(1)\r-- a harmless comment";
    private const string Shown = "␛[2J␛]0;pwned␇␛]52;c;ZXZpbA==␇␛P+q␛\\os.exit(1)␍-- a harmless comment";

    [Fact]
    public async Task Registry_show_shows_a_stored_sources_escape_sequences_on_a_terminal_and_passes_them_to_a_pipe()
    {
        using var cli = new CliRunner();
        await CreateToolAsync(cli, $"-- {Hostile}\nreturn {{ handler = function() return 1 end }}\n");

        var onTerminal = await cli.RunInTerminalAsync("", null, "registry", "show", "app.generated:hostile");
        var piped = await cli.RunAsync("registry", "show", "app.generated:hostile");

        Assert.True(onTerminal.ExitCode == 0, onTerminal.ToString());
        Assert.Contains(Shown, onTerminal.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", onTerminal.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", onTerminal.Stdout, StringComparison.Ordinal);
        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.Contains($"-- {Hostile}\n", piped.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tools_call_shows_a_tools_printed_output_and_error_made_visible_on_a_terminal()
    {
        using var cli = new CliRunner();
        await CreateToolAsync(cli, """
            local function handler()
              print("log \27]0;pwned\7 line")
              return nil, "failed \27[2J here\rhidden"
            end
            return { handler = handler }
            """);

        var onTerminal = await cli.RunInTerminalAsync("", null, "tools", "call", "app.generated:hostile");
        var piped = await cli.RunAsync("tools", "call", "app.generated:hostile");

        Assert.True(onTerminal.ExitCode == 1, onTerminal.ToString());
        Assert.Contains("log ␛]0;pwned␇ line", onTerminal.Stdout, StringComparison.Ordinal);
        Assert.Contains("failed ␛[2J here␍hidden", onTerminal.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", onTerminal.Stdout, StringComparison.Ordinal);
        Assert.True(piped.ExitCode == 1, piped.ToString());
        Assert.Contains("log \u001b]0;pwned\u0007 line", piped.Stderr, StringComparison.Ordinal);
        Assert.Contains("failed \u001b[2J here\rhidden", piped.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_and_diff_show_a_stored_description_made_visible_on_a_terminal()
    {
        using var cli = new CliRunner();
        var changeset = cli.WriteFile("add.yaml", """
            description: "add \e]0;pwned\a a tool"
            changes:
              - op: create
                id: app.generated:described
                kind: registry.entry
                meta: { comment: "\e[2J" }
            """);
        var apply = await cli.RunAsync("registry", "apply", changeset);

        var history = await cli.RunInTerminalAsync("", null, "registry", "history");
        var diff = await cli.RunInTerminalAsync("", null, "registry", "diff", "1");

        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("add ␛]0;pwned␇ a tool", history.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", history.Stdout, StringComparison.Ordinal);
        Assert.Contains("add ␛]0;pwned␇ a tool", diff.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", diff.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_answer_shows_escape_sequences_on_a_terminal_and_passes_them_to_a_pipe()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("before " + Hostile), FakeReply.Say("before " + Hostile));
        using var cli = CliRunner.ForOpenAI(server);

        var onTerminal = await cli.RunInTerminalAsync("", null, "--no-stream", "-p", "hi");
        var piped = await cli.RunAsync("--no-stream", "-p", "hi");

        Assert.True(onTerminal.ExitCode == 0, onTerminal.ToString());
        Assert.Contains("before " + Shown, onTerminal.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", onTerminal.Stdout, StringComparison.Ordinal);
        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.StartsWith("before " + Hostile, piped.Stdout, StringComparison.Ordinal);
    }

    private static async Task CreateToolAsync(CliRunner cli, string source)
    {
        var file = cli.WriteFile("hostile.lua", source);
        var create = await cli.RunAsync("tools", "create", "--name", "hostile", "--source", file);
        Assert.True(create.ExitCode == 0, create.ToString());
    }
}
