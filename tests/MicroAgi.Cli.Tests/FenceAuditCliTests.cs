using System.Text.Json.Nodes;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>
/// Places the first round of terminal safety (issue 8, item 7) did not reach, found by an outside review:
/// text a model or a file wrote that still reached the terminal with its escape sequences acting.
/// </summary>
public sealed class FenceAuditCliTests
{
    private const string Enter = "\r";

    /// <summary>Puts "evil" on the clipboard (OSC 52) and clears the screen.</summary>
    private const string Hostile = "\u001b]52;c;ZXZpbA==\u0007\u001b[2J";
    private const string Shown = "␛]52;c;ZXZpbA==␇␛[2J";

    /// <summary>
    /// The question showed the command itself made visible, but its "always" line repeated the model's
    /// command as it was: an OSC 52 in a proposed command wrote the user's clipboard while asking.
    /// </summary>
    [Fact]
    public async Task The_approval_question_shows_a_commands_escape_sequences_on_every_line()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);
        var workspace = Path.GetDirectoryName(cli.WriteFile("workspace/notes.txt", "alpha\n"))!;
        var config = cli.WriteFile("microagi.yaml", $"tools:\n  workspace: {workspace}\n");
        server.Enqueue(
            FakeReply.Call("exec", new JsonObject { ["command"] = $"echo '{Hostile}' > proof.txt" }.ToJsonString(), "e1"),
            FakeReply.Say("You said no."));

        var session = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await terminal.WaitForAsync("/help for commands");
            await terminal.TypeAsync("run it" + Enter);
            await terminal.WaitForAsync("allow?");
            await terminal.TypeAsync("n" + Enter);
            await terminal.WaitForAsync("You said no.");
            await terminal.TypeAsync("/exit" + Enter);
        }, "--config", config);

        Assert.True(session.ExitCode == 0, session.ToString());
        Assert.Contains($"(command: echo '{Shown}' > proof.txt)", session.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b]52", session.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", session.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(workspace, "proof.txt")));
    }

    /// <summary>A snapshot's setting values and variable names are what the agent (or anyone editing the file) wrote.</summary>
    [Fact]
    public async Task Self_snapshots_shows_stored_settings_made_visible_on_a_terminal()
    {
        using var cli = new CliRunner();
        var directory = Path.Combine(cli.StateDirectory, "self", "snapshots");
        Directory.CreateDirectory(directory);
        var snapshot = new JsonObject
        {
            ["version"] = 1,
            ["name"] = "hostile",
            ["saved_at"] = "2026-12-05T04:00:00Z",
            ["settings"] = new JsonObject { ["system_prompt"] = "be nice " + Hostile },
            ["runtime_vars"] = new JsonObject { ["x" + Hostile] = 1 },
            ["unregistered_tools"] = new JsonArray(),
        };
        File.WriteAllText(Path.Combine(directory, "hostile.json"), snapshot.ToJsonString());

        var onTerminal = await cli.RunInTerminalAsync("", null, "self", "snapshots");

        Assert.True(onTerminal.ExitCode == 0, onTerminal.ToString());
        // The table wraps its cells: the start of the variable's name stays on one line.
        Assert.Contains("x␛]52;c;ZXZpbA", onTerminal.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b]52", onTerminal.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", onTerminal.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// A number that did not parse was System.CommandLine's "as expected type 'System.Nullable`1[System.Double]'"
    /// — and for --timeout and --max-budget-usd, whose validators then read the value, an unhandled exception
    /// that aborted the process (exit 134).
    /// </summary>
    [Theory]
    [InlineData("--timeout must be a number, not 'abc'", "--timeout", "abc", "-p", "hi")]
    [InlineData("--timeout must be a number of seconds above 0 and at most 86400, not NaN", "--timeout", "NaN", "-p", "hi")]
    [InlineData("--max-budget-usd must be an amount such as 0.50, not 'NaN'", "--max-budget-usd", "NaN", "-p", "hi")]
    [InlineData("--timeout must be a number, not '0x10'", "run", "app:dev_assistant", "--timeout", "0x10", "-p", "hi")]
    [InlineData("version must be a whole number, not '99999999999999999999'", "registry", "diff", "99999999999999999999")]
    [InlineData("version must be a whole number, not 'last'", "registry", "rollback", "last")]
    [InlineData("--limit must be a whole number, not 'ten'", "registry", "history", "--limit", "ten")]
    [InlineData("--before must be a whole number, not '1e3'", "registry", "history", "--before", "1e3")]
    [InlineData("--timeout must be a number, not 'zz'", "tools", "call", "app.generated:x", "--timeout", "zz")]
    public async Task A_number_that_does_not_parse_is_a_usage_error_in_the_users_terms(string message, params string[] args)
    {
        using var cli = new CliRunner();
        var result = await cli.RunAsync(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", result.Stderr, StringComparison.Ordinal);
    }
}
